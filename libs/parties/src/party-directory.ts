import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ExchangeDirectory } from '@cmx/case-domain';
import type { GroupKind } from './membership-events';
import { PartiesFile, partiesFileProblems, PartyKind } from './parties-file';

export const PARTY_DIRECTORY = Symbol('PARTY_DIRECTORY');

interface KeyHash {
  readonly party: string;
  readonly digest: Buffer;
  readonly keyId: string;
}

/** Who presented an API key: the party, and which of its keys (the first 16 hex digits of the key's stored hash). */
export interface KeyHolder {
  readonly party: string;
  readonly keyId: string;
}

export class PartiesFileInvalid extends Error {
  constructor(source: string, problems: readonly string[]) {
    super(`${source}: ${problems.join('; ')}`);
  }
}

export class PartyDirectory implements ExchangeDirectory {
  private readonly partyCodes: readonly string[];
  private readonly partyCodeSet: ReadonlySet<string>;
  private readonly partyKinds: ReadonlyMap<string, PartyKind>;
  private readonly keyHashes: readonly KeyHash[];
  private readonly operations: Map<string, readonly string[]>;
  private readonly taskForces: Map<string, readonly string[]>;
  /** The version of the memberships stream the member lists reflect (0: the parties file as written). */
  private membershipVersion = 0;
  readonly admins: ReadonlySet<string>;
  /** The parties that read the whole audit log (data protection officers). */
  readonly auditors: ReadonlySet<string>;

  private constructor(file: PartiesFile) {
    this.partyCodes = file.parties.map((party) => party.code).sort();
    this.partyCodeSet = new Set(this.partyCodes);
    this.partyKinds = new Map(file.parties.map((party) => [party.code, party.kind]));
    this.keyHashes = file.parties.flatMap((party) =>
      party.apiKeys.map((hash) => ({
        party: party.code,
        digest: Buffer.from(hash.slice('sha256:'.length), 'hex'),
        keyId: hash.slice('sha256:'.length, 'sha256:'.length + 16),
      })),
    );
    this.operations = new Map(file.operations.map((group) => [group.id, [...group.members].sort()]));
    this.taskForces = new Map(file.taskForces.map((group) => [group.id, [...group.members].sort()]));
    this.admins = new Set(file.admins);
    this.auditors = new Set(file.auditors);
  }

  static fromFile(path: string): PartyDirectory {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new PartiesFileInvalid(path, [(error as Error).message]);
    }
    return PartyDirectory.fromJson(parsed, path);
  }

  static fromJson(input: unknown, source = 'parties'): PartyDirectory {
    const problems = partiesFileProblems(input);
    if (problems.length > 0) throw new PartiesFileInvalid(source, problems);
    const file = input as Partial<PartiesFile>;
    return new PartyDirectory({
      parties: file.parties ?? [],
      operations: file.operations ?? [],
      taskForces: file.taskForces ?? [],
      admins: file.admins ?? [],
      auditors: file.auditors ?? [],
    });
  }

  /** The party owning this API key. Compares against every stored hash, in constant time each, without stopping early. */
  authenticate(apiKey: string): string | undefined {
    return this.identify(apiKey)?.party;
  }

  /** The party and key id of this API key. Compares against every stored hash, in constant time each, without stopping early. */
  identify(apiKey: string): KeyHolder | undefined {
    const presented = createHash('sha256').update(apiKey, 'utf8').digest();
    let holder: KeyHolder | undefined;
    for (const { party, digest, keyId } of this.keyHashes) {
      if (timingSafeEqual(presented, digest) && holder === undefined) holder = { party, keyId };
    }
    return holder;
  }

  hasParty(code: string): boolean {
    return this.partyCodeSet.has(code);
  }

  /** Whether the party is a national bureau or an agency; undefined for a code the directory does not list. */
  kindOf(code: string): PartyKind | undefined {
    return this.partyKinds.get(code);
  }

  allPartyCodes(): readonly string[] {
    return this.partyCodes;
  }

  operationMembers(operationId: string): readonly string[] | undefined {
    return this.operations.get(operationId);
  }

  taskForceMembers(taskForceId: string): readonly string[] | undefined {
    return this.taskForces.get(taskForceId);
  }

  membersOf(kind: GroupKind, id: string): readonly string[] | undefined {
    return this.groups(kind).get(id);
  }

  groupIds(kind: GroupKind): readonly string[] {
    return [...this.groups(kind).keys()].sort();
  }

  membershipsVersion(): number {
    return this.membershipVersion;
  }

  /** Applies the change that brought the memberships stream to `version`; older or repeated versions are ignored. */
  applyMembershipChange(version: number, kind: GroupKind, id: string, members: readonly string[]): void {
    if (version <= this.membershipVersion) return;
    const groups = this.groups(kind);
    if (groups.has(id)) groups.set(id, [...members].sort());
    this.membershipVersion = version;
  }

  private groups(kind: GroupKind): Map<string, readonly string[]> {
    return kind === 'operation' ? this.operations : this.taskForces;
  }
}

export const hashApiKey = (apiKey: string): string => `sha256:${createHash('sha256').update(apiKey, 'utf8').digest('hex')}`;
