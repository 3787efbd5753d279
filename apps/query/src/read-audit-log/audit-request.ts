import { AUDIT_OPERATIONS, AuditOperation, MAX_AUDIT_PAGE } from '@cmx/audit';
import { isCaseId, isPartyCode } from '@cmx/contracts';
import { FieldViolation, InvalidQuery } from '@cmx/errors';
import { QueryParameters, refuseUnknownParameters, wholeNumberParameter } from '@cmx/platform';

const DEFAULT_AUDIT_PAGE = 100;

export interface AuditRequest {
  readonly caseId?: string;
  readonly party?: string;
  readonly operation?: AuditOperation;
  readonly afterSeq: number;
  readonly limit: number;
}

export function auditRequest(query: QueryParameters): AuditRequest {
  const violations: FieldViolation[] = [];
  refuseUnknownParameters(query, ['caseId', 'party', 'operation', 'after', 'limit'], violations);
  const text = (name: string, valid: (value: string) => boolean, rule: string, message: string): string | undefined => {
    const raw = query[name];
    if (raw === undefined) return undefined;
    if (typeof raw === 'string' && valid(raw)) return raw;
    violations.push({ path: name, rule, message });
    return undefined;
  };
  const caseId = text('caseId', isCaseId, 'case_id', 'caseId is not a case id');
  const party = text('party', isPartyCode, 'party_code', 'party is not a party code');
  const operation = text(
    'operation',
    (value) => (AUDIT_OPERATIONS as readonly string[]).includes(value),
    'vocabulary',
    `operation must be one of ${AUDIT_OPERATIONS.join(', ')}`,
  );
  const afterSeq = wholeNumberParameter(query.after, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }, violations);
  const limit = wholeNumberParameter(query.limit, 'limit', { min: 1, max: MAX_AUDIT_PAGE, fallback: DEFAULT_AUDIT_PAGE }, violations);
  if (violations.length > 0) throw new InvalidQuery(violations);
  return { caseId, party, operation: operation as AuditOperation | undefined, afterSeq, limit };
}
