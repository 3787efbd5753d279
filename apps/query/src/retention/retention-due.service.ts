import { Inject, Injectable } from '@nestjs/common';
import { AnyCaseEvent, caseStreamName, deleteDueAt, isAnyCaseEventType, isReviewDue, RetentionPolicy, retentionOf, reviewDueAt } from '@cmx/case-domain';
import { EVENT_STORE, EventStore, StoredEvent } from '@cmx/event-store';
import { CLOCK, Clock, EXCHANGE_CONFIG, ExchangeConfig } from '@cmx/platform';
import { READ_MODEL_DATABASE, SqlDatabase } from '@cmx/read-models';

export const MAX_DUE_PAGE = 500;
export const DEFAULT_DUE_PAGE = 100;
/** Summary rows read per query while looking for due cases. */
const SCAN_ROWS = 1_000;
/** Rows one request reads at most: past them the page ends early, with a cursor to go on from. */
const MAX_SCANNED_ROWS = 20_000;
/** Case streams read at once to confirm candidates. */
const STREAM_READS_AT_ONCE = 16;

export interface DueRequest {
  /** A case id: the page holds cases after it. */
  readonly after?: string;
  readonly limit: number;
}

export interface DueCase {
  readonly caseId: string;
  readonly status: 'open' | 'closed';
  readonly lastActivityAt: string;
  readonly reviewDueAt: string;
  /** When `npm run retention:sweep` erases the case, as far as the caller's messages show it. */
  readonly deleteDueAt?: string;
}

export interface DuePage {
  readonly items: readonly DueCase[];
  /**
   * Pass as `after` for the next page; null when the caller's cases were read to the end. A page may hold fewer
   * than `limit` items (none, even) and still a cursor, when a request read many cases without finding enough due.
   */
  readonly nextCursor: string | null;
}

/** What GET /v1/retention/due reads of a case_summaries body. */
interface SummaryRow {
  readonly caseId: string;
  readonly owner: string | null;
  readonly status: 'open' | 'closed';
  readonly lastActivityAt: string;
  readonly title: unknown;
}

/**
 * The caller's own cases (it sent their case.opened) past their review date, by case id. The caller's case
 * summaries (its read model: folded from its messages only) name the candidates; each candidate's stream then
 * gives the dates afresh from the events the caller is entitled to (the projector may lag behind a new message
 * or an erasure) and whether the case was erased whole, which removes it from the list.
 */
@Injectable()
export class RetentionDueService {
  private readonly policy: RetentionPolicy;

  constructor(
    @Inject(READ_MODEL_DATABASE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXCHANGE_CONFIG) config: ExchangeConfig,
  ) {
    this.policy = { reviewDays: config.personalData.retentionReviewDays, deleteDays: config.personalData.retentionDeleteDays };
  }

  async due(caller: string, request: DueRequest): Promise<DuePage> {
    const now = this.clock.now();
    const found: DueCase[] = [];
    let cursor = request.after ?? '';
    for (let scanned = 0; ;) {
      const rows = await this.db.query<{ case_id: string; body: string }>(
        'SELECT case_id, body FROM case_summaries WHERE reader = ? AND case_id > ? ORDER BY case_id LIMIT ?',
        [caller, cursor, SCAN_ROWS],
      );
      const candidates = rows.map((row) => summaryOf(row.case_id, row.body)).filter((summary) => this.mayBeDue(summary, caller, now));
      // One more than the page, so that a full page tells whether another follows.
      while (candidates.length > 0 && found.length <= request.limit) {
        const batch = candidates.splice(0, Math.min(STREAM_READS_AT_ONCE, request.limit + 1 - found.length));
        const confirmed = await Promise.all(batch.map((summary) => this.confirmed(summary, caller, now)));
        for (const item of confirmed) if (item) found.push(item);
      }
      if (found.length > request.limit) return { items: found.slice(0, request.limit), nextCursor: found[request.limit - 1].caseId };
      scanned += rows.length;
      if (rows.length < SCAN_ROWS) return { items: found, nextCursor: null };
      cursor = rows[rows.length - 1].case_id;
      if (scanned >= MAX_SCANNED_ROWS) return { items: found, nextCursor: cursor };
    }
  }

  /** From the summary alone: the caller's case, not erased whole as far as the read model shows, past its review date by the caller's messages. */
  private mayBeDue(summary: SummaryRow, caller: string, now: Date): boolean {
    if (summary.owner !== caller || isErasedPlaceholder(summary.title)) return false;
    const due = reviewDueAt(summary, this.policy);
    return due !== undefined && Date.parse(due) <= now.getTime();
  }

  /** The candidate as its stream has it now, from the events the caller is entitled to; undefined when it is not due after all. */
  private async confirmed(summary: SummaryRow, caller: string, now: Date): Promise<DueCase | undefined> {
    const events = await this.store.readStream(caseStreamName(summary.caseId));
    const retention = retentionOf(events.filter((event) => seenBy(event, caller)) as unknown as AnyCaseEvent[]);
    if (retention.owner !== caller || !isReviewDue(retention, this.policy, now)) return undefined;
    const deleteAt = deleteDueAt(retention, this.policy);
    return {
      caseId: summary.caseId,
      status: summary.status,
      lastActivityAt: retention.lastActivityAt!,
      reviewDueAt: reviewDueAt(retention, this.policy)!,
      ...(deleteAt !== undefined ? { deleteDueAt: deleteAt } : {}),
    };
  }
}

function summaryOf(caseId: string, body: string): SummaryRow {
  const summary = JSON.parse(body) as Omit<SummaryRow, 'caseId'>;
  return { caseId, owner: summary.owner, status: summary.status, lastActivityAt: summary.lastActivityAt, title: summary.title };
}

/** A case.opened always has a title, sealed under the case's own key: it reads as `{ "erased": true }` once the whole case is erased. */
const isErasedPlaceholder = (value: unknown): boolean => typeof value === 'object' && value !== null && (value as { erased?: unknown }).erased === true;

/** Messages and protection events both store who is entitled to them (a protection event: always the case's owner). */
const seenBy = (event: StoredEvent, party: string): boolean =>
  isAnyCaseEventType(event.type) && ((event.data as { entitledParties?: readonly string[] }).entitledParties ?? []).includes(party);
