import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
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
import { DUE_PAGE_SCHEMA } from './retention-due.openapi';
import { DEFAULT_DUE_PAGE, DuePage, DueRequest, MAX_DUE_PAGE, RetentionDueService } from './retention-due.service';

/**
 * GET /v1/retention/due?after=<caseId>&limit=<1..500>: the caller's own cases past their review date
 * (RETENTION_REVIEW_DAYS after their last message), by case id, each with its deletion date when known
 * (RETENTION_DELETE_DAYS after its last case.opened or case.updated). Listed cases are recorded as consulted.
 */
@ApiTags('retention')
@ApiCaller()
@Controller('v1/retention')
export class RetentionDueController {
  constructor(
    private readonly retention: RetentionDueService,
    private readonly audit: AuditTrail,
  ) {}

  @Get('due')
  @ApiOperation({
    summary: 'The caller’s own cases past their review date',
    description: 'By case id, each with its deletion date when known. Listed cases are recorded as consulted.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'Cases after this case id: the nextCursor of the previous page', schema: CASE_ID })
  @ApiQuery(limitQuery(MAX_DUE_PAGE, DEFAULT_DUE_PAGE))
  @ApiResponse({ status: 200, description: 'A page of due cases', schema: DUE_PAGE_SCHEMA })
  @ApiRefusals(['invalid_query', 'audit_unavailable'])
  async due(@Query() query: QueryParameters, @Actor() actor: RequestActor): Promise<DuePage> {
    const page = await this.retention.due(actor.party, dueRequest(query));
    await this.audit.record(actor, { operation: 'consult', cases: page.items.map((item) => ({ caseId: item.caseId, messageIds: [] })) });
    return page;
  }
}

export function dueRequest(query: QueryParameters): DueRequest {
  const violations: FieldViolation[] = [];
  refuseUnknownParameters(query, ['after', 'limit'], violations);
  let after: string | undefined;
  if (query.after !== undefined) {
    if (typeof query.after === 'string' && isCaseId(query.after)) after = query.after;
    else violations.push({ path: 'after', rule: 'cursor', message: 'after must be a case id: the nextCursor of the previous page' });
  }
  const limit = wholeNumberParameter(query.limit, 'limit', { min: 1, max: MAX_DUE_PAGE, fallback: DEFAULT_DUE_PAGE }, violations);
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { after, limit };
}
