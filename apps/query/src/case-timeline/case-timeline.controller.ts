import { Controller, Get, Param, Query } from '@nestjs/common';
import { isCaseId } from '@cmx/contracts';
import { FieldViolation, InvalidQuery } from '@cmx/errors';
import { CallerParty } from '@cmx/platform';
import { CaseTimeline, CaseTimelineService, TimelinePage } from './case-timeline.service';

export const MAX_TIMELINE_PAGE = 500;
const DEFAULT_TIMELINE_PAGE = 100;

@Controller('v1/cases')
export class CaseTimelineController {
  constructor(private readonly timelines: CaseTimelineService) {}

  @Get(':caseId/timeline')
  timeline(
    @Param('caseId') caseId: string,
    @Query() query: Record<string, string | string[] | undefined>,
    @CallerParty() party: string,
  ): Promise<CaseTimeline> {
    return this.timelines.timeline(caseId, party, timelinePage(caseId, query));
  }
}

function timelinePage(caseId: string, query: Record<string, string | string[] | undefined>): TimelinePage {
  const violations: FieldViolation[] = [];
  if (!isCaseId(caseId)) violations.push({ path: 'caseId', rule: 'case_id', message: `${caseId} is not a case id` });
  for (const key of Object.keys(query)) {
    if (key !== 'afterVersion' && key !== 'limit') violations.push({ path: key, rule: 'unknown_field', message: 'unknown parameter' });
  }
  const afterVersion = wholeNumber(query.afterVersion, 'afterVersion', 0, Number.MAX_SAFE_INTEGER, 0, violations);
  const limit = wholeNumber(query.limit, 'limit', 1, MAX_TIMELINE_PAGE, DEFAULT_TIMELINE_PAGE, violations);
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { afterVersion, limit };
}

function wholeNumber(
  raw: string | string[] | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
  violations: FieldViolation[],
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max) {
    violations.push({ path: name, rule: 'range', message: `${name} must be a whole number from ${min} to ${max}` });
    return fallback;
  }
  return value;
}
