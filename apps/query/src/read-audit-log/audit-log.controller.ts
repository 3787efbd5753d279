import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AUDIT_LOG, AUDIT_OPERATIONS, AuditEntry, AuditLog, MAX_AUDIT_PAGE } from '@cmx/audit';
import { CaseMessageData, caseStreamName } from '@cmx/case-domain';
import { NotAnAuditor } from '@cmx/errors';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { PARTY_DIRECTORY, PartyDirectory } from '@cmx/parties';
import { ApiCaller, ApiRefusals, CallerParty, CASE_ID, limitQuery, PARTY_CODE, QueryParameters } from '@cmx/platform';
import { AUDIT_PAGE_SCHEMA } from './audit-log.openapi';
import { auditRequest } from './audit-request';

export interface AuditItem {
  readonly seq: string;
  readonly at: string;
  readonly operation: string;
  readonly party: string;
  readonly keyId: string | null;
  readonly onBehalfOf: string | null;
  readonly purpose: string | null;
  readonly channel: string;
  readonly caseIds: readonly string[];
  readonly messageIds: readonly string[];
  readonly recipients: readonly string[];
  readonly requestId: string | null;
  readonly hash: string;
}

export interface AuditPage {
  readonly items: readonly AuditItem[];
  /** Pass as `after` for the next page: the last item's seq, or the `after` given when there was nothing new. */
  readonly nextCursor: string;
}

/**
 * The audit log, by sequence number. Auditors (the parties file's `auditors`)
 * read all of it; the party that opened a case reads the entries about that
 * case, each narrowed to it, without the key, officer, purpose and request of
 * other parties' entries; anyone else is refused.
 */
@ApiTags('audit')
@ApiCaller()
@Controller('v1/audit')
export class AuditLogController {
  constructor(
    @Inject(AUDIT_LOG) private readonly log: AuditLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARTY_DIRECTORY) private readonly directory: PartyDirectory,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The audit log',
    description:
      'Auditors (the parties file’s `auditors`) read all of it; the party that opened a case reads the entries of that case (caseId=…); anyone else is refused.',
  })
  @ApiQuery({ name: 'caseId', required: false, description: 'Only the entries about this case', schema: CASE_ID })
  @ApiQuery({ name: 'party', required: false, description: 'Only the entries of this party', schema: PARTY_CODE })
  @ApiQuery({ name: 'operation', required: false, schema: { type: 'string', enum: [...AUDIT_OPERATIONS] } })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'Entries after this seq (default 0): the nextCursor of the previous page',
    schema: { type: 'integer', minimum: 0 },
  })
  @ApiQuery(limitQuery(MAX_AUDIT_PAGE, 100))
  @ApiResponse({ status: 200, description: 'A page of entries', schema: AUDIT_PAGE_SCHEMA })
  @ApiRefusals(['invalid_query', 'not_an_auditor'])
  async entries(@Query() query: QueryParameters, @CallerParty() caller: string): Promise<AuditPage> {
    const request = auditRequest(query);
    const auditor = this.directory.auditors.has(caller);
    if (!auditor && (request.caseId === undefined || (await this.ownerOf(request.caseId)) !== caller)) throw new NotAnAuditor();
    const entries = await this.log.query(request);
    const items = entries.map((entry) => (auditor ? itemOf(entry) : ownersViewOf(itemOf(entry, request.caseId), caller)));
    return { items, nextCursor: items.length > 0 ? items[items.length - 1].seq : String(request.afterSeq) };
  }

  /** The sender of the case's first message; undefined for a case that does not exist. */
  private async ownerOf(caseId: string): Promise<string | undefined> {
    const [opened] = await this.store.readStream(caseStreamName(caseId), { limit: 1 });
    return (opened?.data as unknown as CaseMessageData | undefined)?.message.header.sender;
  }
}

function itemOf(entry: AuditEntry, onlyCase?: string): AuditItem {
  const cases = onlyCase === undefined ? entry.cases : entry.cases.filter((touched) => touched.caseId === onlyCase);
  return {
    seq: String(entry.seq),
    at: entry.at,
    operation: entry.operation,
    party: entry.party,
    keyId: entry.keyId,
    onBehalfOf: entry.onBehalfOf,
    purpose: entry.purpose,
    channel: entry.channel,
    caseIds: cases.map((touched) => touched.caseId),
    messageIds: cases.flatMap((touched) => touched.messageIds),
    recipients: entry.recipients,
    requestId: entry.requestId,
    hash: entry.hash,
  };
}

/** Who consulted or received the owner's data, and when; another party's officer, purpose, key and request stay with the auditors. */
const ownersViewOf = (item: AuditItem, owner: string): AuditItem =>
  item.party === owner ? item : { ...item, keyId: null, onBehalfOf: null, purpose: null, requestId: null };
