import type { ProtectionKind } from '@cmx/case-domain';
import { isCaseId } from '@cmx/contracts';
import { FieldViolation, InvalidErasure } from '@cmx/errors';

export const MAX_PERSON_REFS = 1000;
const MAX_REASON = 2_000;
const MAX_LEGAL_BASIS = 500;
const FIELDS = ['personRefs', 'wholeCase', 'restrict', 'liftRestriction', 'reason', 'legalBasis', 'expectedCaseVersion'];

export interface ErasureRequest {
  readonly kind: ProtectionKind;
  readonly target: { readonly personRefs: readonly string[] } | { readonly wholeCase: true };
  readonly reason: string;
  readonly legalBasis: string;
  readonly expectedCaseVersion?: number;
}

/**
 * `{ "personRefs": [...] | "wholeCase": true, "restrict"?: true | "liftRestriction"?: true, "reason", "legalBasis",
 * "expectedCaseVersion"? }`. The violations name fields and rules only: a reason may be personal, and is never echoed.
 */
export function parseErasureRequest(caseId: string, body: unknown): ErasureRequest {
  if (!isCaseId(caseId)) throw new InvalidErasure([{ path: 'caseId', rule: 'case_id', message: 'the path does not name a case id' }]);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidErasure([{ path: '', rule: 'type', message: 'the body must be a JSON object' }]);
  }
  const violations: FieldViolation[] = [];
  const problem = (path: string, rule: string, message: string) => violations.push({ path, rule, message });
  const record = body as Record<string, unknown>;
  Object.keys(record)
    .filter((key) => !FIELDS.includes(key))
    .forEach((key) => problem(key, 'unknown_field', `${key} is not a field of an erasure request`));
  const { personRefs, wholeCase, restrict, liftRestriction, reason, legalBasis, expectedCaseVersion } = record;

  if ((personRefs === undefined) === (wholeCase === undefined)) problem('', 'target', 'give either personRefs or "wholeCase": true');
  if (wholeCase !== undefined && wholeCase !== true) problem('wholeCase', 'type', 'wholeCase must be true when given');
  if (personRefs !== undefined) {
    if (!Array.isArray(personRefs) || personRefs.length === 0 || personRefs.length > MAX_PERSON_REFS) {
      problem('personRefs', 'type', `personRefs must be a list of 1 to ${MAX_PERSON_REFS} person refs`);
    } else {
      const seen = new Set<string>();
      personRefs.forEach((ref: unknown, index) => {
        if (typeof ref !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(ref))
          problem(`personRefs[${index}]`, 'ref', 'a person ref is 1 to 64 letters, digits, _ or -');
        else if (seen.has(ref)) problem(`personRefs[${index}]`, 'duplicate', 'this ref is listed twice');
        else seen.add(ref);
      });
    }
  }
  for (const [field, value] of [
    ['restrict', restrict],
    ['liftRestriction', liftRestriction],
  ] as const) {
    if (value !== undefined && value !== true) problem(field, 'type', `${field} must be true when given`);
  }
  if (restrict !== undefined && liftRestriction !== undefined) problem('liftRestriction', 'conflict', 'give restrict or liftRestriction, not both');
  checkText(reason, 'reason', MAX_REASON, problem);
  checkText(legalBasis, 'legalBasis', MAX_LEGAL_BASIS, problem);
  if (expectedCaseVersion !== undefined && (!Number.isSafeInteger(expectedCaseVersion) || (expectedCaseVersion as number) < 0)) {
    problem('expectedCaseVersion', 'range', 'expectedCaseVersion must be a whole number ≥ 0');
  }
  if (violations.length > 0) throw new InvalidErasure(violations);
  return {
    kind: restrict ? 'restrict' : liftRestriction ? 'lift' : 'erase',
    target: wholeCase ? { wholeCase: true } : { personRefs: personRefs as string[] },
    reason: reason as string,
    legalBasis: legalBasis as string,
    expectedCaseVersion: expectedCaseVersion as number | undefined,
  };
}

function checkText(value: unknown, path: string, max: number, problem: (path: string, rule: string, message: string) => void): void {
  if (typeof value !== 'string' || value.trim().length === 0) problem(path, 'required', `${path} is required, a non-empty text`);
  else if (value.length > max) problem(path, 'length', `${path} is at most ${max} characters`);
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) problem(path, 'characters', `${path} holds control characters`);
}
