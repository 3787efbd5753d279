import { isOperationId, isPartyCode, isTaskForceId } from '@cmx/contracts';

export type PartyKind = 'bureau' | 'agency';

export interface PartyEntry {
  readonly code: string;
  readonly kind: PartyKind;
  /** `sha256:<hex of sha256(key)>`: keys are never stored in clear. */
  readonly apiKeys: readonly string[];
}

export interface GroupEntry {
  readonly id: string;
  readonly members: readonly string[];
}

export interface PartiesFile {
  readonly parties: readonly PartyEntry[];
  readonly operations: readonly GroupEntry[];
  readonly taskForces: readonly GroupEntry[];
  readonly admins: readonly string[];
  /** May read the whole audit log. */
  readonly auditors: readonly string[];
}

const API_KEY_HASH = /^sha256:[0-9a-f]{64}$/;

/** Checks a parsed parties file and returns every problem found, each naming its place. */
export function partiesFileProblems(input: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(input)) return ['the parties file must be a JSON object'];
  for (const key of Object.keys(input)) {
    if (!['parties', 'operations', 'taskForces', 'admins', 'auditors'].includes(key)) problems.push(`unknown field ${key}`);
  }
  const parties = arrayAt(input, 'parties', problems);
  const codes = new Set<string>();
  const hashes = new Set<string>();
  parties.forEach((party, index) => {
    const at = `parties[${index}]`;
    if (!isRecord(party)) return problems.push(`${at} must be an object`);
    if (typeof party.code !== 'string' || !isPartyCode(party.code)) problems.push(`${at}.code is not a party code`);
    else if (codes.has(party.code)) problems.push(`${at}.code ${party.code} is listed twice`);
    else codes.add(party.code);
    const expectedKind = typeof party.code === 'string' && party.code.startsWith('NCB-') ? 'bureau' : 'agency';
    if (party.kind !== expectedKind) problems.push(`${at}.kind must be ${expectedKind}`);
    if (!Array.isArray(party.apiKeys)) return problems.push(`${at}.apiKeys must be a list`);
    party.apiKeys.forEach((hash: unknown, keyIndex: number) => {
      if (typeof hash !== 'string' || !API_KEY_HASH.test(hash)) {
        problems.push(`${at}.apiKeys[${keyIndex}] must be sha256:<64 lower-case hex digits>`);
      } else if (hashes.has(hash)) problems.push(`${at}.apiKeys[${keyIndex}] is used by another key`);
      else hashes.add(hash);
    });
    return undefined;
  });
  const checkGroups = (field: 'operations' | 'taskForces', isId: (id: string) => boolean) => {
    const ids = new Set<string>();
    arrayAt(input, field, problems).forEach((group, index) => {
      const at = `${field}[${index}]`;
      if (!isRecord(group)) return problems.push(`${at} must be an object`);
      if (typeof group.id !== 'string' || !isId(group.id)) problems.push(`${at}.id is not a valid id`);
      else if (ids.has(group.id)) problems.push(`${at}.id ${group.id} is listed twice`);
      else ids.add(group.id);
      if (!Array.isArray(group.members)) return problems.push(`${at}.members must be a list`);
      group.members.forEach((member: unknown, memberIndex: number) => {
        if (typeof member !== 'string' || !codes.has(member)) problems.push(`${at}.members[${memberIndex}] is not a listed party`);
      });
      return undefined;
    });
  };
  checkGroups('operations', isOperationId);
  checkGroups('taskForces', isTaskForceId);
  for (const field of ['admins', 'auditors']) {
    arrayAt(input, field, problems).forEach((code, index) => {
      if (typeof code !== 'string' || !codes.has(code)) problems.push(`${field}[${index}] is not a listed party`);
    });
  }
  return problems;
}

function arrayAt(record: Record<string, unknown>, field: string, problems: string[]): unknown[] {
  const value = record[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${field} must be a list`);
    return [];
  }
  return value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
