import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isCaseId } from '@cmx/contracts';
import { FieldViolation, InvalidQuery } from '@cmx/errors';
import {
  Actor,
  ApiCaller,
  ApiRefusals,
  AuditTrail,
  CASE_ID,
  limitQuery,
  QueryParameters,
  refuseUnknownParameters,
  RequestActor,
  wholeNumberParameter,
} from '@cmx/platform';
import { CASE_TIMELINE_SCHEMA } from './case-timeline.openapi';
import { CaseTimeline, CaseTimelineService, TimelinePage } from './case-timeline.service';

export const MAX_TIMELINE_PAGE = 500;
const DEFAULT_TIMELINE_PAGE = 100;

@ApiTags('cases')
@ApiCaller()
@Controller('v1/cases')
export class CaseTimelineController {
  constructor(
    private readonly timelines: CaseTimelineService,
    private readonly audit: AuditTrail,
  ) {}

  @Get(':caseId/timeline')
  @ApiOperation({
    summary: 'The messages of a case the caller is entitled to',
    description:
      'In case-version order, paged by case version. On the caller’s own entries, `recipients` shows who received each message and who acknowledged it.',
  })
  @ApiParam({ name: 'caseId', schema: CASE_ID })
  @ApiQuery({
    name: 'afterVersion',
    required: false,
    description: 'Entries after this case version (default 0): the nextAfterVersion of the previous page',
    schema: { type: 'integer', minimum: 0, default: 0 },
  })
  @ApiQuery(limitQuery(MAX_TIMELINE_PAGE, DEFAULT_TIMELINE_PAGE))
  @ApiResponse({ status: 200, description: 'A page of the timeline', schema: CASE_TIMELINE_SCHEMA })
  @ApiRefusals(['invalid_query', 'case_not_found', 'audit_unavailable'])
  async timeline(@Param('caseId') caseId: string, @Query() query: QueryParameters, @Actor() actor: RequestActor): Promise<CaseTimeline> {
    const timeline = await this.timelines.timeline(caseId, actor.party, timelinePage(caseId, query));
    await this.audit.record(actor, { operation: 'consult', cases: [{ caseId, messageIds: timeline.entries.map((entry) => entry.messageId) }] });
    return timeline;
  }
}

export function timelinePage(caseId: string, query: QueryParameters): TimelinePage {
  const violations: FieldViolation[] = [];
  if (!isCaseId(caseId)) violations.push({ path: 'caseId', rule: 'case_id', message: `${caseId} is not a case id` });
  refuseUnknownParameters(query, ['afterVersion', 'limit'], violations);
  const afterVersion = wholeNumberParameter(query.afterVersion, 'afterVersion', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }, violations);
  const limit = wholeNumberParameter(query.limit, 'limit', { min: 1, max: MAX_TIMELINE_PAGE, fallback: DEFAULT_TIMELINE_PAGE }, violations);
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { afterVersion, limit };
}
