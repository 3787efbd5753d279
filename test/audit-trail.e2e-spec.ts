import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { auditSigner } from '@cmx/audit';
import { AUDITOR, AuditItem, demoKeyIdOf, HONEST_VERIFY, readAuditLog, readSseUntilHeartbeat, runAuditVerify, settle } from './support/audit-log';
import { DEMO_KEYS, ExchangeClient, HttpAnswer } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

const PARTIES = Object.keys(DEMO_KEYS);
const ADMIN = 'EUROPOL';
const OPERATION = 'OP-HYDRA-2026'; // NCB-IT, NCB-GR, EUROPOL (config/demo-parties.json)
const TASK_FORCE = 'OTF-CENTRAL-MED'; // NCB-IT, NCB-GR, NCB-NE, FRONTEX
const HYDRA = { scope: 'operation', operations: [OPERATION] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// The calls of the property test
// ---------------------------------------------------------------------------------------------

type Distribution =
  | { readonly scope: 'recipients'; readonly recipients: readonly string[] }
  | { readonly scope: 'operation'; readonly operations: readonly string[] }
  | { readonly scope: 'taskForce'; readonly taskForces: readonly string[] }
  | { readonly scope: 'allPartners' };
type Group = 'operation' | 'taskForce' | 'unknown';

interface Accountability {
  readonly purpose?: string;
  readonly onBehalfOf?: string;
  /** client: a valid X-Request-Id is sent (and must come back); server: none; malformed: one the server must replace. */
  readonly requestId: 'client' | 'server' | 'malformed';
}

type Action =
  | { kind: 'post'; caseKey: number; type: 'auto' | 'case.opened' | 'case.updated'; distribution: Distribution; upperCaseId: boolean; impersonate: boolean }
  | { kind: 'repeat' }
  | { kind: 'timeline'; caseKey: number; afterVersion?: number; limit?: number; malformed: boolean }
  | { kind: 'summary'; caseKey: number }
  | { kind: 'board'; group: Group }
  | { kind: 'caseList'; group: Group; limit: number; status?: 'open' | 'closed' }
  | { kind: 'feed'; limit: number; from: 'start' | 'last' | 'malformed' }
  | { kind: 'sse'; limit: number; from: 'start' | 'last' }
  | { kind: 'subscription'; filters: object[] | 'malformed' }
  | { kind: 'membership'; group: Group; members: string[]; malformed: boolean }
  | { kind: 'wrongKey'; caseKey: number };

interface Call {
  readonly party: string;
  readonly accountability: Accountability;
  readonly action: Action;
}

/** true `weight` times in ten (fc.nat and fc.constantFrom lean to their first values). */
const sometimes = (weight: number) => fc.oneof({ weight: 10 - weight, arbitrary: fc.constant(false) }, { weight, arbitrary: fc.constant(true) });
const weighted = <T>(...choices: [number, T][]) => fc.oneof(...choices.map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));
/** Mostly the parties of the demo groups, who are entitled to more. */
const partyArbitrary = weighted<string>(
  [3, 'NCB-IT'],
  [3, 'NCB-GR'],
  [3, 'EUROPOL'],
  [1, 'NCB-ES'],
  [1, 'NCB-NE'],
  [1, 'FRONTEX'],
  [1, 'INTERPOL-GS'],
  [1, 'CMX-DPO'],
);
/** Printable ASCII without leading or trailing blanks (the exchange keeps the header trimmed). */
const headerText = (maxLength: number) =>
  fc
    .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength })
    .map((text) => text.trim())
    .filter((text) => text.length > 0);

const accountabilityArbitrary: fc.Arbitrary<Accountability> = fc.record(
  {
    purpose: fc.oneof(
      { weight: 9, arbitrary: headerText(60) },
      { weight: 1, arbitrary: fc.constant('p'.repeat(501)) }, // over the limit: 400 invalid_header
    ),
    onBehalfOf: headerText(40),
    requestId: weighted<Accountability['requestId']>([6, 'client'], [3, 'server'], [1, 'malformed']),
  },
  { requiredKeys: ['requestId'] },
);

const distributionArbitrary: fc.Arbitrary<Distribution> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ scope: fc.constant('recipients' as const), recipients: fc.subarray(PARTIES, { minLength: 1, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.constant({ scope: 'operation' as const, operations: [OPERATION] }) },
  { weight: 2, arbitrary: fc.constant({ scope: 'taskForce' as const, taskForces: [TASK_FORCE] }) },
  { weight: 3, arbitrary: fc.constant({ scope: 'allPartners' as const }) },
);
const groupArbitrary = weighted<Group>([5, 'operation'], [4, 'taskForce'], [1, 'unknown']);
const caseKeyArbitrary = weighted([3, 0], [3, 1], [3, 2], [1, 3]); // 3: a well-formed case id nobody opened

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('post' as const),
      caseKey: weighted([1, 0], [1, 1], [1, 2]),
      // auto: case.opened for a case the run has not opened yet, case.updated after.
      type: weighted<'auto' | 'case.opened' | 'case.updated'>([8, 'auto'], [1, 'case.opened'], [1, 'case.updated']),
      distribution: distributionArbitrary,
      upperCaseId: fc.boolean(),
      impersonate: sometimes(2),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'repeat' as const }) },
  {
    weight: 5,
    arbitrary: fc.record(
      {
        kind: fc.constant('timeline' as const),
        caseKey: caseKeyArbitrary,
        afterVersion: weighted([3, 0], [2, 1], [1, 2], [1, 3]),
        limit: fc.integer({ min: 1, max: 4 }),
        malformed: sometimes(2),
      },
      { requiredKeys: ['kind', 'caseKey', 'malformed'] },
    ),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('summary' as const), caseKey: caseKeyArbitrary }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('board' as const), group: groupArbitrary }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant('caseList' as const),
        group: groupArbitrary,
        limit: fc.integer({ min: 1, max: 3 }),
        status: weighted<'open' | 'closed'>([1, 'open'], [1, 'closed']),
      },
      { requiredKeys: ['kind', 'group', 'limit'] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('feed' as const),
      limit: fc.integer({ min: 1, max: 5 }),
      from: weighted<'start' | 'last' | 'malformed'>([3, 'start'], [6, 'last'], [1, 'malformed']),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sse' as const),
      limit: fc.integer({ min: 1, max: 4 }),
      from: weighted<'start' | 'last'>([1, 'start'], [1, 'last']),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('subscription' as const),
      filters: fc.oneof(
        {
          weight: 4,
          arbitrary: weighted<object[]>(
            [3, [{}]],
            [1, [{ types: ['case.opened'] }]],
            [1, [{ priorities: ['urgent'] }, { types: ['case.updated'] }]],
            [1, [{ senders: ['NCB-IT', 'NCB-GR'] }]],
          ),
        },
        { weight: 1, arbitrary: fc.constant('malformed' as const) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('membership' as const),
      group: groupArbitrary,
      members: fc.subarray(['NCB-IT', 'NCB-GR', 'NCB-ES', 'NCB-NE', 'EUROPOL', 'FRONTEX'], { minLength: 1 }),
      malformed: sometimes(2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrongKey' as const), caseKey: caseKeyArbitrary }) },
);

const callArbitrary: fc.Arbitrary<Call> = fc
  .record({ party: partyArbitrary, accountability: accountabilityArbitrary, action: actionArbitrary, byAdmin: sometimes(8) })
  // Membership changes mostly by the admin, so that they go through; now and then by someone else (403).
  .map(({ byAdmin, ...call }) => (call.action.kind === 'membership' && byAdmin ? { ...call, party: ADMIN } : call));

/** A run opens its three cases (by random senders, to random distributions), then makes steps of up to three calls at once (their entries may share one group commit). */
const openingArbitrary = (caseKey: number): fc.Arbitrary<Call> =>
  fc.record({
    party: partyArbitrary,
    accountability: accountabilityArbitrary,
    action: fc.record({
      kind: fc.constant('post' as const),
      caseKey: fc.constant(caseKey),
      type: fc.constant('case.opened' as const),
      distribution: distributionArbitrary,
      upperCaseId: sometimes(3),
      impersonate: fc.constant(false),
    }),
  });
const runArbitrary = fc.record({
  opening: fc.tuple(openingArbitrary(0), openingArbitrary(1), openingArbitrary(2)),
  steps: fc.array(fc.array(callArbitrary, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
});

// ---------------------------------------------------------------------------------------------
// What each call must leave in the log
// ---------------------------------------------------------------------------------------------

interface ExpectedEntry {
  readonly operation: string;
  readonly channel: string;
  readonly caseIds: readonly string[];
  readonly messageIds: readonly string[];
}

interface Observation {
  readonly label: string;
  /** The party the entries must name. */
  readonly party: string;
  readonly purpose: string | null;
  readonly onBehalfOf: string | null;
  readonly status: number;
  /** The response's x-request-id (for SSE, the one sent). */
  readonly requestId: string;
  /** The entries the call leaves, in order (none for a refused call). */
  readonly expected: readonly ExpectedEntry[];
  /** SSE: the messages received, in order, and the page size. */
  readonly sse?: { readonly limit: number; readonly messageIds: readonly string[] };
  /** What the response carried: `party|case|message`, or `party|case|` for a case read as a whole. */
  readonly consulted: readonly string[];
}

type TouchedCases = Map<string, Set<string>>;
const touched = (pairs: readonly (readonly [string, string | undefined])[]): TouchedCases => {
  const cases: TouchedCases = new Map();
  for (const [caseId, messageId] of pairs) {
    const ids = cases.get(caseId) ?? new Set<string>();
    if (messageId !== undefined) ids.add(messageId.toLowerCase());
    cases.set(caseId, ids);
  }
  return cases;
};
/** The entry as the audit log states it: cases sorted, each case's message ids sorted, lower case. */
const entryOf = (operation: string, channel: string, cases: TouchedCases): ExpectedEntry => {
  const caseIds = [...cases.keys()].sort();
  return { operation, channel, caseIds, messageIds: caseIds.flatMap((caseId) => [...cases.get(caseId)!].sort()) };
};
const consultedOf = (party: string, cases: TouchedCases): string[] =>
  [...cases].flatMap(([caseId, ids]) => (ids.size === 0 ? [`${party}|${caseId}|`] : [...ids].map((id) => `${party}|${caseId}|${id}`)));
const shapeOf = (item: AuditItem): ExpectedEntry => ({ operation: item.operation, channel: item.channel, caseIds: item.caseIds, messageIds: item.messageIds });

describe('the audit trail of every call (embedded exchange on SQLite)', () => {
  let exchange: InProcessExchange;
  /** The case of every message id seen (lower case). */
  const caseOfMessage = new Map<string, string>();
  /** Each party's last feed cursor. */
  const feedCursors = new Map<string, string>();
  const served: { party: string; messageId: string; sender: string }[] = [];
  const disclosures: AuditItem[] = [];
  const stats = new Map<string, number>();
  const count = (what: string) => stats.set(what, (stats.get(what) ?? 0) + 1);
  let auditCursor = '0';
  let runs = 0;

  beforeAll(async () => {
    exchange = await startInProcessExchange({ FEED_HEARTBEAT_MS: '100' });
  });
  afterAll(() => exchange.close());

  const client = (party: string, key?: string) => new ExchangeClient(exchange.baseUrl, party, key ?? DEMO_KEYS[party]);

  interface RunState {
    readonly number: number;
    readonly caseIds: readonly string[];
    lastAccepted?: { readonly sender: string; readonly message: unknown };
    readonly opened: Set<string>;
    calls: number;
  }

  function headersOf(accountability: Accountability, requestId: string): Record<string, string> {
    const headers: Record<string, string> = {};
    if (accountability.purpose !== undefined) headers.purpose = accountability.purpose;
    if (accountability.onBehalfOf !== undefined) headers['on-behalf-of'] = accountability.onBehalfOf;
    if (accountability.requestId === 'client') headers['x-request-id'] = requestId;
    if (accountability.requestId === 'malformed') headers['x-request-id'] = `not a token ${requestId}`;
    return headers;
  }

  /** The id the response names its request by: the one sent when it was valid, a fresh UUID otherwise. */
  function requestIdOf(answer: Pick<HttpAnswer, 'headers'>, accountability: Accountability, sent: string, label: string): string {
    const header = answer.headers.get('x-request-id');
    if (accountability.requestId === 'client') expect([label, header]).toEqual([label, sent]);
    else expect([label, header]).toEqual([label, expect.stringMatching(UUID)]);
    return header!;
  }

  async function perform(run: RunState, call: Call): Promise<Observation[]> {
    const { action, accountability } = call;
    let party = call.party;
    const sentId = `run${run.number}-call${run.calls++}-${randomUUID().slice(0, 8)}`;
    const headers = headersOf(accountability, sentId);
    const label = `${sentId} ${party} ${JSON.stringify(action)}`;
    const observation = (answer: HttpAnswer, expected: ExpectedEntry[], consulted: string[] = [], actingParty = party): Observation => {
      if (answer.status >= 500) throw new Error(`${label} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      count(`${action.kind} ${answer.status}`);
      return {
        label,
        party: actingParty,
        purpose: accountability.purpose ?? null,
        onBehalfOf: accountability.onBehalfOf ?? null,
        status: answer.status,
        requestId: requestIdOf(answer, accountability, sentId, label),
        expected,
        consulted,
      };
    };
    const groupPath = (group: Group) =>
      group === 'operation' ? `/v1/operations/${OPERATION}` : group === 'taskForce' ? `/v1/task-forces/${TASK_FORCE}` : '/v1/operations/OP-NONE';

    switch (action.kind) {
      case 'post':
      case 'repeat': {
        let message: { header: { messageId: string; caseId: string } };
        if (action.kind === 'repeat') {
          if (!run.lastAccepted) return [];
          party = run.lastAccepted.sender;
          message = run.lastAccepted.message as typeof message;
        } else {
          const sender = action.impersonate ? PARTIES.find((other) => other !== party)! : party;
          const messageId = action.upperCaseId ? randomUUID().toUpperCase() : randomUUID();
          const caseId = run.caseIds[action.caseKey];
          const type = action.type !== 'auto' ? action.type : run.opened.has(caseId) ? 'case.updated' : 'case.opened';
          message = messageOf(type, { caseId, sender, messageId, header: { distribution: action.distribution as never } });
        }
        const answer = await client(party).request('POST', '/v1/messages', JSON.stringify(message), headers);
        if (answer.status !== 201 && answer.status !== 200) return [observation(answer, [])];
        const messageId = message.header.messageId.toLowerCase();
        expect([label, answer.body.messageId, answer.body.caseId]).toEqual([label, messageId, message.header.caseId]);
        caseOfMessage.set(messageId, message.header.caseId);
        run.lastAccepted = { sender: party, message };
        run.opened.add(message.header.caseId);
        return [observation(answer, [entryOf('collect', 'http', touched([[message.header.caseId, messageId]]))])];
      }
      case 'timeline':
      case 'wrongKey': {
        const caseId = run.caseIds[action.caseKey];
        const query = new URLSearchParams();
        if (action.kind === 'timeline') {
          if (action.afterVersion !== undefined) query.set('afterVersion', String(action.afterVersion));
          if (action.limit !== undefined) query.set('limit', String(action.limit));
          if (action.malformed) query.set('limit', '0');
        }
        const reader = action.kind === 'wrongKey' ? client(party, 'not-a-demo-key') : client(party);
        const answer = await reader.request('GET', `/v1/cases/${caseId}/timeline?${query}`, undefined, headers);
        if (answer.status !== 200) return [observation(answer, [])];
        const messageIds: string[] = answer.body.entries.map((entry: { messageId: string }) => entry.messageId.toLowerCase());
        messageIds.forEach((messageId) => caseOfMessage.set(messageId, caseId));
        const cases = messageIds.length > 0 ? touched(messageIds.map((id) => [caseId, id])) : touched([[caseId, undefined]]);
        return [observation(answer, [entryOf('consult', 'http', cases)], consultedOf(party, cases))];
      }
      case 'summary': {
        await settle(exchange);
        const caseId = run.caseIds[action.caseKey];
        const answer = await client(party).request('GET', `/v1/cases/${caseId}`, undefined, headers);
        if (answer.status !== 200) return [observation(answer, [])];
        expect([label, answer.body.caseId]).toEqual([label, caseId]);
        const cases = touched([[caseId, undefined]]);
        return [observation(answer, [entryOf('consult', 'http', cases)], consultedOf(party, cases))];
      }
      case 'board': {
        // A board names cases only in the newest items of its lists, and its entry names those; its case list, read right
        // after with nothing moving, names every case of it.
        await settle(exchange);
        const answer = await client(party).request('GET', groupPath(action.group), undefined, headers);
        const listId = `${sentId}-list`;
        const list = await client(party).request('GET', `${groupPath(action.group)}/cases?limit=500`, undefined, { 'x-request-id': listId });
        if (answer.status === 200) expect([label, list.status]).toEqual([label, 200]);
        const listed: string[] = list.status === 200 ? list.body.cases.map((listing: { caseId: string }) => listing.caseId) : [];
        const listObservation: Observation = {
          label: `${label} (its case list)`,
          party,
          purpose: null,
          onBehalfOf: null,
          status: list.status,
          requestId: listId,
          expected: list.status === 200 ? [entryOf('consult', 'http', touched(listed.map((caseId) => [caseId, undefined])))] : [],
          consulted: list.status === 200 ? consultedOf(party, touched(listed.map((caseId) => [caseId, undefined]))) : [],
        };
        expect([label, list.headers.get('x-request-id')]).toEqual([label, listId]);
        if (answer.status !== 200) return [observation(answer, []), listObservation];
        const board = answer.body;
        expect([label, board.cases.total]).toEqual([label, listed.length]);
        const shown = [
          ...new Set(
            ['flaggedDocuments', 'vessels', 'vehicles', 'locations'].flatMap((list) => board[list].recent.map((item: { caseId: string }) => item.caseId)),
          ),
        ];
        expect([label, shown.filter((caseId) => !listed.includes(caseId))]).toEqual([label, []]);
        const cases = touched(shown.map((caseId) => [caseId, undefined]));
        return [observation(answer, [entryOf('consult', 'http', cases)], consultedOf(party, cases)), listObservation];
      }
      case 'caseList': {
        await settle(exchange);
        const query = new URLSearchParams({ limit: String(action.limit) });
        if (action.status) query.set('status', action.status);
        const answer = await client(party).request('GET', `${groupPath(action.group)}/cases?${query}`, undefined, headers);
        if (answer.status !== 200) return [observation(answer, [])];
        const cases = touched(answer.body.cases.map((listing: { caseId: string }) => [listing.caseId, undefined]));
        return [observation(answer, [entryOf('consult', 'http', cases)], consultedOf(party, cases))];
      }
      case 'feed': {
        const after = action.from === 'malformed' ? 'abc' : action.from === 'last' ? feedCursors.get(party) : undefined;
        const answer = await client(party).request('GET', `/v1/feed?limit=${action.limit}${after ? `&after=${after}` : ''}`, undefined, headers);
        if (answer.status !== 200) return [observation(answer, [])];
        const items: { cursor: string; delivery: { caseId: string; messageId: string; sender: string } }[] = answer.body.items;
        if (answer.body.nextCursor) feedCursors.set(party, answer.body.nextCursor);
        for (const { delivery } of items) {
          caseOfMessage.set(delivery.messageId.toLowerCase(), delivery.caseId);
          served.push({ party, messageId: delivery.messageId.toLowerCase(), sender: delivery.sender });
        }
        if (items.length === 0) return [observation(answer, [])]; // an empty page discloses nothing and leaves no entry
        const cases = touched(items.map((item) => [item.delivery.caseId, item.delivery.messageId]));
        return [observation(answer, [entryOf('consult', 'feed', cases)], consultedOf(party, cases))];
      }
      case 'sse': {
        await settle(exchange); // nothing is delivered meanwhile: the stream's backlog is all it sends
        const after = action.from === 'last' ? feedCursors.get(party) : undefined;
        const sseHeaders = { ...headersOf({ ...accountability, requestId: 'client' }, sentId), authorization: `Bearer ${DEMO_KEYS[party]}` };
        const read = await readSseUntilHeartbeat(exchange.baseUrl, `/v1/feed?limit=${action.limit}${after ? `&after=${after}` : ''}`, sseHeaders);
        count(`sse ${read.status}`);
        const base = {
          label,
          party,
          purpose: accountability.purpose ?? null,
          onBehalfOf: accountability.onBehalfOf ?? null,
          status: read.status,
          requestId: sentId,
        };
        if (read.status !== 200) return [{ ...base, expected: [], consulted: [] }];
        expect([label, read.endedByServer]).toEqual([label, false]);
        for (const { id, delivery } of read.deliveries) {
          caseOfMessage.set(delivery.messageId.toLowerCase(), delivery.caseId);
          served.push({ party, messageId: delivery.messageId.toLowerCase(), sender: delivery.sender });
          feedCursors.set(party, id);
        }
        const cases = touched(read.deliveries.map(({ delivery }) => [delivery.caseId, delivery.messageId]));
        return [
          {
            ...base,
            expected: [],
            sse: { limit: action.limit, messageIds: read.deliveries.map(({ delivery }) => delivery.messageId.toLowerCase()) },
            consulted: consultedOf(party, cases),
          },
        ];
      }
      case 'subscription': {
        const body = action.filters === 'malformed' ? { filters: [{ types: ['case.deleted'] }] } : { filters: action.filters };
        const answer = await client(party).request('PUT', '/v1/subscriptions', JSON.stringify(body), headers);
        return [observation(answer, answer.status === 200 ? [entryOf('admin', 'http', new Map())] : [])];
      }
      case 'membership': {
        const path =
          action.group === 'operation'
            ? `/v1/admin/operations/${OPERATION}/members`
            : action.group === 'taskForce'
              ? `/v1/admin/task-forces/${TASK_FORCE}/members`
              : '/v1/admin/operations/OP-NONE/members';
        const body = { members: action.malformed ? [...action.members, 'NOBODY'] : action.members };
        const answer = await client(party).request('PUT', path, JSON.stringify(body), headers);
        return [observation(answer, answer.status === 200 ? [entryOf('admin', 'http', new Map())] : [])];
      }
    }
  }

  /** Everything logged since the run began, against what the run's calls were answered. */
  function checkRun(observations: readonly Observation[], items: readonly AuditItem[]): void {
    disclosures.push(...items.filter((item) => item.operation === 'disclose'));
    const logged = items.filter((item) => item.operation !== 'disclose');
    const byRequest = new Map<string, AuditItem[]>();
    for (const item of logged) byRequest.set(String(item.requestId), [...(byRequest.get(String(item.requestId)) ?? []), item]);
    const known = new Set(observations.map((observation) => observation.requestId));
    expect(logged.filter((item) => !known.has(String(item.requestId)))).toEqual([]); // no entry that no call of the run made

    for (const observation of observations) {
      const got = byRequest.get(observation.requestId) ?? [];
      const { label } = observation;
      for (const item of got) {
        expect([label, item.party, item.keyId, item.purpose, item.onBehalfOf, item.recipients]).toEqual([
          label,
          observation.party,
          demoKeyIdOf(observation.party),
          observation.purpose,
          observation.onBehalfOf,
          [],
        ]);
      }
      if (!observation.sse) {
        expect([label, got.map(shapeOf)]).toEqual([label, observation.expected]);
        count(observation.expected.length > 0 ? `logged ${observation.expected[0].operation}` : 'left no entry');
        continue;
      }
      // One entry per page the stream sent, before it sent it: pages of `limit`, the last one shorter; an empty backlog none.
      const { limit, messageIds } = observation.sse;
      const pages = Array.from({ length: Math.ceil(messageIds.length / limit) }, (_, page) => messageIds.slice(page * limit, (page + 1) * limit));
      expect([label, got.map(shapeOf)]).toEqual([
        label,
        pages.map((page) => entryOf('consult', 'sse', touched(page.map((messageId) => [caseOfMessage.get(messageId)!, messageId])))),
      ]);
      count(pages.length > 0 ? 'logged sse batches' : 'sse without backlog');
    }

    // The property itself: what the log says each party consulted is exactly what the responses carried.
    const loggedConsults = logged
      .filter((item) => item.operation === 'consult')
      .flatMap((item) => {
        const withMessages = new Set(item.messageIds.map((messageId) => caseOfMessage.get(messageId)));
        return [
          ...item.messageIds.map((messageId) => `${item.party}|${caseOfMessage.get(messageId) ?? '(a case no response named)'}|${messageId}`),
          ...item.caseIds.filter((caseId) => !withMessages.has(caseId)).map((caseId) => `${item.party}|${caseId}|`),
        ];
      });
    expect(new Set(loggedConsults)).toEqual(new Set(observations.flatMap((observation) => observation.consulted)));
  }

  it('property: over random calls by random parties, the log holds exactly one entry per served call, with exactly what it served', async () => {
    await fc.assert(
      fc.asyncProperty(runArbitrary, async ({ opening, steps }) => {
        const run: RunState = { number: ++runs, caseIds: Array.from({ length: 4 }, () => newCaseId()), opened: new Set(), calls: 0 };
        const observations: Observation[] = [];
        for (const answered of await Promise.all(opening.map((call) => perform(run, call)))) observations.push(...answered);
        for (const step of steps) {
          // What the projector computes (summaries, boards, case lists) and streams are read alone, once nothing moves; the other calls of a step at once.
          const alone = step.filter((call) => ['summary', 'board', 'caseList', 'sse'].includes(call.action.kind));
          const together = step.filter((call) => !alone.includes(call));
          for (const answered of await Promise.all(together.map((call) => perform(run, call)))) observations.push(...answered);
          for (const call of alone) observations.push(...(await perform(run, call)));
        }
        await settle(exchange);
        const { items, cursor } = await readAuditLog(exchange.baseUrl, { after: auditCursor });
        auditCursor = cursor;
        checkRun(observations, items);
      }),
      { numRuns: 60, endOnFailure: true },
    );

    // Every delivery a party was served was disclosed once, by the dispatcher, in the ledger's transaction: one entry per message.
    const byMessage = new Map<string, AuditItem[]>();
    for (const item of disclosures) {
      expect([item.channel, item.keyId, item.requestId, item.messageIds.length, item.caseIds.length]).toEqual(['feed', null, null, 1, 1]);
      byMessage.set(item.messageIds[0], [...(byMessage.get(item.messageIds[0]) ?? []), item]);
    }
    for (const { party, messageId, sender } of served) {
      const [disclosed, ...more] = byMessage.get(messageId) ?? [];
      expect([messageId, disclosed?.party, disclosed?.caseIds, disclosed?.recipients.includes(party), more]).toEqual([
        messageId,
        sender,
        [caseOfMessage.get(messageId)],
        true,
        [],
      ]);
    }

    // The runs did exercise every kind of call, served and refused.
    const seen = Object.fromEntries([...stats].sort());
    console.info(`${runs} runs, ${served.length} deliveries served, ${disclosures.length} disclosures; calls: ${JSON.stringify(seen)}`);
    for (const what of [
      'post 201',
      'timeline 200',
      'summary 200',
      'board 200',
      'caseList 200',
      'feed 200',
      'sse 200',
      'subscription 200',
      'membership 200',
      'wrongKey 401',
      'logged collect',
      'logged consult',
      'logged admin',
      'logged sse batches',
      'left no entry',
    ]) {
      expect([what, (seen[what] ?? 0) > 0]).toEqual([what, true]);
    }
    for (const status of [400, 403, 404]) expect([status, Object.keys(seen).some((key) => key.endsWith(` ${status}`))]).toEqual([status, true]);
    expect(served.length).toBeGreaterThan(0);
  }, 150_000);

  it('names the request of every response in x-request-id, the SSE feed’s too (the entry is found by it)', async () => {
    // The property above gave the operation random members: back to the demo file's, which this test relies on.
    const restored = await client(ADMIN).request(
      'PUT',
      `/v1/admin/operations/${OPERATION}/members`,
      JSON.stringify({ members: ['NCB-IT', 'NCB-GR', 'EUROPOL'] }),
    );
    expect(restored.status).toBe(200);
    const caseId = newCaseId();
    const posted = await client('NCB-IT').post(messageOf('case.opened', { caseId, header: { distribution: HYDRA as never } }));
    expect([posted.status, posted.body.error]).toEqual([201, undefined]);
    await settle(exchange);
    const { cursor } = await readAuditLog(exchange.baseUrl, { after: auditCursor });
    const read = await readSseUntilHeartbeat(exchange.baseUrl, `/v1/feed?limit=1000`, { authorization: `Bearer ${DEMO_KEYS['NCB-GR']}` });
    expect(read.status).toBe(200);
    expect(read.deliveries.length).toBeGreaterThan(0);
    const { items } = await readAuditLog(exchange.baseUrl, { after: cursor, query: { operation: 'consult' } });
    expect(items.map((item) => [item.party, item.channel])).toEqual([['NCB-GR', 'sse']]);
    // Without the header a client that sent no X-Request-Id cannot tell which entry is its stream's.
    expect(read.headers.get('x-request-id')).toBe(items[0].requestId);
  });
});

// ---------------------------------------------------------------------------------------------
// Who reads the log
// ---------------------------------------------------------------------------------------------

describe('GET /v1/audit: auditors read all, a case owner the entries about its case, anyone else nothing', () => {
  let exchange: InProcessExchange;
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const caseA = newCaseId(); // opened by NCB-IT
  const caseB = newCaseId('GR'); // opened by NCB-GR
  const messagesOfA: string[] = [];
  const messagesOfB: string[] = [];
  let all: AuditItem[];

  const read = async (party: string, path: string, headers: Record<string, string>) => {
    const answer = await client(party).request('GET', path, undefined, headers);
    expect([path, answer.status]).toEqual([path, 200]);
    return answer;
  };

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    const post = async (party: string, message: { header: { messageId: string } }, headers: Record<string, string>) => {
      const answer = await client(party).request('POST', '/v1/messages', JSON.stringify(message), headers);
      expect([answer.status, answer.body]).toEqual([201, expect.anything()]);
      return message.header.messageId;
    };
    messagesOfA.push(
      await post('NCB-IT', messageOf('case.opened', { caseId: caseA, header: { distribution: HYDRA as never } }), {
        purpose: 'opening A',
        'on-behalf-of': 'it-officer-1',
        'x-request-id': 'it-open-a',
      }),
    );
    messagesOfA.push(
      await post('NCB-IT', messageOf('case.updated', { caseId: caseA, header: { distribution: HYDRA as never } }), { 'x-request-id': 'it-update-a' }),
    );
    const toEuropol = { scope: 'recipients', recipients: ['EUROPOL'] };
    messagesOfB.push(
      await post('NCB-GR', messageOf('case.opened', { caseId: caseB, sender: 'NCB-GR', header: { distribution: toEuropol as never } }), {
        'x-request-id': 'gr-open-b',
      }),
    );
    await settle(exchange);
    // One entry about both cases: EUROPOL's feed page.
    const feed = await read('EUROPOL', '/v1/feed?limit=10', { purpose: 'network analysis', 'on-behalf-of': 'analyst-7', 'x-request-id': 'eu-feed' });
    expect(feed.body.items.map((item: { delivery: { caseId: string } }) => item.delivery.caseId).sort()).toEqual([caseA, caseA, caseB].sort());
    await read('NCB-GR', `/v1/cases/${caseA}/timeline`, { purpose: 'checking a lead', 'on-behalf-of': 'gr-officer-3', 'x-request-id': 'gr-timeline-a' });
    await read('NCB-IT', `/v1/cases/${caseA}/timeline`, { purpose: 'own case', 'on-behalf-of': 'it-officer-1', 'x-request-id': 'it-timeline-a' });
    await read('EUROPOL', `/v1/cases/${caseB}`, { 'x-request-id': 'eu-summary-b' });
    await settle(exchange);
    ({ items: all } = await readAuditLog(exchange.baseUrl));
  });
  afterAll(() => exchange.close());

  it('the auditor reads every entry with every field', async () => {
    const summary = all.map((item) => [item.operation, item.party, item.requestId, item.caseIds]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['collect', 'NCB-IT', 'it-open-a', [caseA]],
        ['collect', 'NCB-IT', 'it-update-a', [caseA]],
        ['collect', 'NCB-GR', 'gr-open-b', [caseB]],
        ['disclose', 'NCB-IT', null, [caseA]],
        ['disclose', 'NCB-IT', null, [caseA]],
        ['disclose', 'NCB-GR', null, [caseB]],
        ['consult', 'EUROPOL', 'eu-feed', [caseA, caseB].sort()],
        ['consult', 'NCB-GR', 'gr-timeline-a', [caseA]],
        ['consult', 'NCB-IT', 'it-timeline-a', [caseA]],
        ['consult', 'EUROPOL', 'eu-summary-b', [caseB]],
      ]),
    );
    expect(all).toHaveLength(10);
    expect(all.map((item) => Number(item.seq))).toEqual(Array.from({ length: 10 }, (_, n) => n + 1));
    const euFeed = all.find((item) => item.requestId === 'eu-feed')!;
    expect(euFeed).toMatchObject({ keyId: demoKeyIdOf('EUROPOL'), purpose: 'network analysis', onBehalfOf: 'analyst-7', channel: 'feed' });
    expect([...euFeed.messageIds].sort()).toEqual([...messagesOfA, ...messagesOfB].sort());
    expect(all.find((item) => item.requestId === 'it-open-a')).toMatchObject({
      purpose: 'opening A',
      onBehalfOf: 'it-officer-1',
      keyId: demoKeyIdOf('NCB-IT'),
    });
  });

  it('the owner reads the entries about its own case, each narrowed to it, without other parties’ key, officer, purpose and request', async () => {
    const { items: own } = await readAuditLog(exchange.baseUrl, { party: 'NCB-IT', query: { caseId: caseA } });
    const aboutA = all.filter((item) => item.caseIds.includes(caseA));
    expect(own.map((item) => item.seq)).toEqual(aboutA.map((item) => item.seq));
    for (const [n, item] of own.entries()) {
      const full = aboutA[n];
      const narrowed = { ...full, caseIds: [caseA], messageIds: full.messageIds.filter((id) => messagesOfA.includes(id)) };
      expect(item).toEqual(item.party === 'NCB-IT' ? narrowed : { ...narrowed, keyId: null, onBehalfOf: null, purpose: null, requestId: null });
    }
    const euFeed = own.find((item) => item.party === 'EUROPOL' && item.channel === 'feed')!;
    expect(euFeed).toMatchObject({ operation: 'consult', caseIds: [caseA], keyId: null, onBehalfOf: null, purpose: null, requestId: null });
    expect([...euFeed.messageIds].sort()).toEqual([...messagesOfA].sort()); // not NCB-GR's message of the other case
    expect(own.find((item) => item.party === 'NCB-GR')).toMatchObject({ operation: 'consult', purpose: null, onBehalfOf: null, requestId: null, keyId: null });
    expect(own.find((item) => item.requestId === 'it-timeline-a')).toMatchObject({
      purpose: 'own case',
      onBehalfOf: 'it-officer-1',
      keyId: demoKeyIdOf('NCB-IT'),
    });
    expect(own.filter((item) => item.operation === 'disclose').map((item) => item.recipients)).toEqual([
      ['EUROPOL', 'NCB-GR'],
      ['EUROPOL', 'NCB-GR'],
    ]);

    const { items: europolsReads } = await readAuditLog(exchange.baseUrl, { party: 'NCB-IT', query: { caseId: caseA, party: 'EUROPOL' } });
    expect(europolsReads.map((item) => item.seq)).toEqual(
      own.filter((item) => item.party === 'EUROPOL' || item.recipients.includes('EUROPOL')).map((item) => item.seq),
    );
    const { items: gr } = await readAuditLog(exchange.baseUrl, { party: 'NCB-GR', query: { caseId: caseB } });
    expect(gr.map((item) => item.seq)).toEqual(all.filter((item) => item.caseIds.includes(caseB)).map((item) => item.seq));
  });

  it('refuses anyone else: 403 not_an_auditor', async () => {
    const refused = [
      ['NCB-IT', ''], // the whole log
      ['NCB-IT', `?caseId=${caseB}`], // another party's case
      ['NCB-GR', `?caseId=${caseA}`], // consulted it, does not own it
      ['EUROPOL', `?caseId=${caseA}`], // an admin is not an auditor
      ['EUROPOL', '?operation=consult'],
      ['NCB-IT', `?caseId=${newCaseId()}`], // a case nobody opened
      ['FRONTEX', `?party=FRONTEX`], // its own entries
    ];
    for (const [party, query] of refused) {
      const answer = await client(party).request('GET', `/v1/audit${query}`);
      expect([party, query, answer.status, answer.body.error]).toEqual([party, query, 403, 'not_an_auditor']);
      expect(JSON.stringify(answer.body)).not.toContain(caseA);
    }
    expect((await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/v1/audit')).status).toBe(401);
  });

  it('refuses malformed parameters: 400 invalid_query', async () => {
    const malformed = [
      'limit=0',
      'limit=1001',
      'limit=ten',
      'after=-1',
      'after=1.5',
      'after=abc',
      'operation=read',
      'caseId=not-a-case',
      'party=nobody%20at%20all',
      'since=1',
      'after=99999999999999999999',
    ];
    for (const query of malformed) {
      const answer = await client(AUDITOR).request('GET', `/v1/audit?${query}`);
      expect([query, answer.status, answer.body.error]).toEqual([query, 400, 'invalid_query']);
    }
    const owner = await client('NCB-IT').request('GET', `/v1/audit?caseId=${caseA}&limit=0`);
    expect([owner.status, owner.body.error]).toEqual([400, 'invalid_query']);
  });

  it('pages by sequence: `after` and `nextCursor` go through the log with no gap and no repeat', async () => {
    for (const pageSize of [1, 3, 4]) {
      const { items, cursor } = await readAuditLog(exchange.baseUrl, { pageSize });
      expect(items).toEqual(all);
      expect(cursor).toBe(all[all.length - 1].seq);
    }
    const first = await client(AUDITOR).request('GET', '/v1/audit?limit=4');
    expect(first.body.items.map((item: AuditItem) => item.seq)).toEqual(['1', '2', '3', '4']);
    expect(first.body.nextCursor).toBe('4');
    const next = await client(AUDITOR).request('GET', `/v1/audit?limit=4&after=${first.body.nextCursor}`);
    expect(next.body.items.map((item: AuditItem) => item.seq)).toEqual(['5', '6', '7', '8']);
    const end = await client(AUDITOR).request('GET', `/v1/audit?after=${all.length}`);
    expect(end.body).toEqual({ items: [], nextCursor: String(all.length) });
    const beyond = await client(AUDITOR).request('GET', '/v1/audit?after=1000');
    expect(beyond.body).toEqual({ items: [], nextCursor: '1000' });

    const { items: collects } = await readAuditLog(exchange.baseUrl, { query: { operation: 'collect' }, pageSize: 2 });
    expect(collects).toEqual(all.filter((item) => item.operation === 'collect'));
    const { items: aboutGr } = await readAuditLog(exchange.baseUrl, { query: { party: 'NCB-GR' }, pageSize: 2 });
    expect(aboutGr).toEqual(all.filter((item) => item.party === 'NCB-GR' || item.recipients.includes('NCB-GR')));
    const { items: ownPaged } = await readAuditLog(exchange.baseUrl, { party: 'NCB-IT', query: { caseId: caseA }, pageSize: 1 });
    const { items: ownWhole } = await readAuditLog(exchange.baseUrl, { party: 'NCB-IT', query: { caseId: caseA } });
    expect(ownPaged).toEqual(ownWhole);
    const { items: ownAfter } = await readAuditLog(exchange.baseUrl, { party: 'NCB-IT', query: { caseId: caseA }, after: ownWhole[1].seq });
    expect(ownAfter).toEqual(ownWhole.slice(2));
  });
});

// ---------------------------------------------------------------------------------------------
// Fail closed
// ---------------------------------------------------------------------------------------------

describe('fail closed: nothing is served whose entry cannot be written', () => {
  let exchange: InProcessExchange;
  const client = (party: string) => new ExchangeClient(exchange.baseUrl, party);
  const caseId = newCaseId();
  const messageIds: string[] = [];

  beforeAll(async () => {
    exchange = await startInProcessExchange({ FEED_HEARTBEAT_MS: '100' });
    for (const type of ['case.opened', 'case.updated'] as const) {
      const message = messageOf(type, { caseId, header: { distribution: HYDRA as never } });
      expect((await client('NCB-IT').post(message)).status).toBe(201);
      messageIds.push(message.header.messageId);
    }
    // NCB-NE takes nothing: a message to it alone makes no delivery, so the dispatcher has no disclosure to write below.
    expect((await client('NCB-NE').request('PUT', '/v1/subscriptions', JSON.stringify({ filters: [] }))).status).toBe(200);
    await settle(exchange);
  });
  afterAll(() => exchange.close());

  const reads = (tag: string): [string, string, string][] => [
    ['NCB-GR', `/v1/cases/${caseId}/timeline`, `${tag}-timeline`],
    ['NCB-GR', `/v1/cases/${caseId}`, `${tag}-summary`],
    ['NCB-GR', '/v1/feed?limit=10', `${tag}-feed`],
    ['EUROPOL', `/v1/operations/${OPERATION}`, `${tag}-board`],
    ['EUROPOL', `/v1/operations/${OPERATION}/cases`, `${tag}-case-list`],
    ['EUROPOL', `/v1/operations/${OPERATION}/persons`, `${tag}-board-list`],
  ];
  const noCaseData = (text: string) => [caseId, ...messageIds, 'Zuwara', 'DOE'].filter((secret) => text.includes(secret));

  it('answers a read 503 audit_unavailable, with no case data, while the audit store refuses writes; serves it again once it takes them', async () => {
    const db = new Database(join(exchange.dataDir, 'deliveries.sqlite'));
    db.pragma('busy_timeout = 10000');
    const late = messageOf('case.updated', { caseId, header: { distribution: { scope: 'recipients', recipients: ['NCB-NE'] } as never } });
    try {
      db.exec(`CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit store refuses writes'); END`);
      const { cursor } = await readAuditLog(exchange.baseUrl); // reading the log still works

      for (const [party, path, requestId] of reads('refused')) {
        const answer = await client(party).request('GET', path, undefined, { 'x-request-id': requestId, purpose: 'while refused' });
        expect([path, answer.status, answer.body?.error, answer.headers.get('x-request-id')]).toEqual([path, 503, 'audit_unavailable', requestId]);
        expect([path, noCaseData(JSON.stringify(answer.body))]).toEqual([path, []]);
      }
      // The stream has begun (200) when its first page is due: the page's entry fails, so the stream ends with nothing of it.
      const stream = await readSseUntilHeartbeat(exchange.baseUrl, '/v1/feed?limit=10', {
        authorization: `Bearer ${DEMO_KEYS['NCB-GR']}`,
        'x-request-id': 'refused-sse',
      });
      expect([stream.status, stream.deliveries, stream.endedByServer]).toEqual([200, [], true]);
      expect(noCaseData(stream.text)).toEqual([]);
      // A message is stored before its entry is written: the sender is answered 503 and sends it again (below).
      const posted = await client('NCB-IT').request('POST', '/v1/messages', JSON.stringify(late), { 'x-request-id': 'refused-post' });
      expect([posted.status, posted.body.error]).toEqual([503, 'audit_unavailable']);
      // A change is logged before it is made: refused, it does not take effect.
      const before = {
        subscription: (await client('NCB-GR').request('GET', '/v1/subscriptions')).body,
        memberships: (await client('EUROPOL').request('GET', '/v1/admin/memberships')).body,
      };
      const subscribed = await client('NCB-GR').request('PUT', '/v1/subscriptions', JSON.stringify({ filters: [{ priorities: ['urgent'] }] }));
      const members = await client('EUROPOL').request(
        'PUT',
        `/v1/admin/operations/${OPERATION}/members`,
        JSON.stringify({ members: ['NCB-IT', 'NCB-GR', 'EUROPOL', 'NCB-ES'] }),
      );
      expect([subscribed.status, subscribed.body.error, members.status, members.body.error]).toEqual([503, 'audit_unavailable', 503, 'audit_unavailable']);
      expect({
        subscription: (await client('NCB-GR').request('GET', '/v1/subscriptions')).body,
        memberships: (await client('EUROPOL').request('GET', '/v1/admin/memberships')).body,
      }).toEqual(before);

      expect((await readAuditLog(exchange.baseUrl, { after: cursor })).items).toEqual([]);
    } finally {
      db.exec('DROP TRIGGER IF EXISTS audit_refuses');
      db.close();
    }

    for (const [party, path, requestId] of reads('served')) {
      const answer = await client(party).request('GET', path, undefined, { 'x-request-id': requestId, purpose: 'after repair' });
      expect([path, answer.status]).toEqual([path, 200]);
      expect(JSON.stringify(answer.body)).toContain(caseId);
    }
    const again = await client('NCB-IT').request('POST', '/v1/messages', JSON.stringify(late), { 'x-request-id': 'post-again' });
    expect(again.status).toBe(200); // the repeat of a stored message: its first receipt, and now its entry
    const stream = await readSseUntilHeartbeat(exchange.baseUrl, '/v1/feed?limit=10', {
      authorization: `Bearer ${DEMO_KEYS['NCB-GR']}`,
      'x-request-id': 'served-sse',
    });
    expect(stream.deliveries.map(({ delivery }) => delivery.messageId)).toEqual(messageIds);
    await settle(exchange);

    const { items } = await readAuditLog(exchange.baseUrl);
    const byRequest = (requestId: string) =>
      items.filter((item) => item.requestId === requestId).map((item) => [item.operation, item.party, item.channel, item.caseIds]);
    for (const [, , requestId] of [...reads('refused'), ['', '', 'refused-sse'], ['', '', 'refused-post']])
      expect([requestId, byRequest(requestId)]).toEqual([requestId, []]);
    expect(byRequest('served-timeline')).toEqual([['consult', 'NCB-GR', 'http', [caseId]]]);
    expect(byRequest('served-summary')).toEqual([['consult', 'NCB-GR', 'http', [caseId]]]);
    expect(byRequest('served-feed')).toEqual([['consult', 'NCB-GR', 'feed', [caseId]]]);
    expect(byRequest('served-board')).toEqual([['consult', 'EUROPOL', 'http', [caseId]]]);
    expect(byRequest('served-case-list')).toEqual([['consult', 'EUROPOL', 'http', [caseId]]]);
    expect(byRequest('served-board-list')).toEqual([['consult', 'EUROPOL', 'http', [caseId]]]);
    expect(byRequest('served-sse')).toEqual([['consult', 'NCB-GR', 'sse', [caseId]]]);
    expect(byRequest('post-again')).toEqual([['collect', 'NCB-IT', 'http', [caseId]]]);
    expect(items.find((item) => item.requestId === 'served-timeline')?.purpose).toBe('after repair');
  });

  it('refuses a Purpose or On-Behalf-Of that cannot go into the log as sent: 400 invalid_header, nothing served, nothing logged', async () => {
    const { cursor } = await readAuditLog(exchange.baseUrl);
    const refused: [string, Record<string, string>][] = [
      ['purpose', { purpose: 'p'.repeat(501) }],
      ['on-behalf-of', { 'on-behalf-of': 'o'.repeat(201) }],
      ['purpose', { purpose: 'tab\tinside' }],
    ];
    for (const [n, [path, headers]] of refused.entries()) {
      const answer = await client('NCB-GR').request('GET', `/v1/cases/${caseId}/timeline`, undefined, { ...headers, 'x-request-id': `bad-header-${n}` });
      expect([n, answer.status, answer.body.error, answer.body.details?.map((detail: { path: string }) => detail.path)]).toEqual([
        n,
        400,
        'invalid_header',
        [path],
      ]);
      expect(noCaseData(JSON.stringify(answer.body))).toEqual([]);
    }
    const posted = await client('NCB-IT').request('POST', '/v1/messages', JSON.stringify(messageOf('case.updated', { caseId })), { purpose: 'p'.repeat(501) });
    expect(posted.status).toBe(400);
    await settle(exchange);
    expect((await readAuditLog(exchange.baseUrl, { after: cursor })).items).toEqual([]);

    const longest = await client('NCB-GR').request('GET', `/v1/cases/${caseId}/timeline`, undefined, {
      purpose: 'p'.repeat(500),
      'on-behalf-of': 'o'.repeat(200),
      'x-request-id': 'longest',
    });
    expect(longest.status).toBe(200);
    const { items } = await readAuditLog(exchange.baseUrl, { after: cursor });
    expect(items.map((item) => [item.requestId, item.purpose, item.onBehalfOf])).toEqual([['longest', 'p'.repeat(500), 'o'.repeat(200)]]);
  });
});

// ---------------------------------------------------------------------------------------------
// npm run audit:verify
// ---------------------------------------------------------------------------------------------

interface EntryRow {
  readonly seq: number;
  readonly operation: string;
  readonly entry: string;
  readonly hash: string;
}

describe('npm run audit:verify on the embedded exchange’s log', () => {
  let dataDir: string;
  const copies: string[] = [];
  let rows: EntryRow[];
  let checkpointSeqs: number[];

  beforeAll(async () => {
    // A checkpoint every 4 entries, so that the log holds several.
    const exchange = await startInProcessExchange({ AUDIT_CHECKPOINT_ENTRIES: '4' });
    dataDir = exchange.dataDir;
    const it = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    const gr = new ExchangeClient(exchange.baseUrl, 'NCB-GR');
    const caseId = newCaseId();
    for (let n = 0; n < 8; n++) {
      expect((await it.post(messageOf(n === 0 ? 'case.opened' : 'case.updated', { caseId, header: { distribution: HYDRA as never } }))).status).toBe(201);
      expect((await gr.timeline(caseId, { limit: n + 1 })).status).toBe(200);
    }
    await settle(exchange);
    expect((await gr.request('GET', '/v1/feed?limit=3')).status).toBe(200);
    await exchange.app.close(); // the files stay: DATA_DIR is removed below
    const db = new Database(join(dataDir, 'deliveries.sqlite'), { readonly: true });
    rows = db.prepare('SELECT seq, operation, entry, hash FROM audit_entries ORDER BY seq').all() as EntryRow[];
    checkpointSeqs = (db.prepare('SELECT seq FROM audit_checkpoints ORDER BY seq').all() as { seq: number }[]).map((row) => row.seq);
    db.close();
  }, 60_000);
  afterAll(() => [dataDir, ...copies].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A copy of DATA_DIR's audit log and signing key, changed by `tamper` straight in the database. */
  function tamperedCopy(tamper: (db: Database.Database) => void): string {
    const copy = mkdtempSync(join(tmpdir(), 'cmx-audit-tampered-'));
    copies.push(copy);
    for (const file of ['deliveries.sqlite', 'deliveries.sqlite-wal', 'deliveries.sqlite-shm', 'audit-signing-key.pem']) {
      if (existsSync(join(dataDir, file))) copyFileSync(join(dataDir, file), join(copy, file));
    }
    const db = new Database(join(copy, 'deliveries.sqlite'));
    try {
      tamper(db);
    } finally {
      db.close();
    }
    return copy;
  }

  it('passes on the honest log: exit 0, every entry verified up to the head', async () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, n) => n + 1));
    expect(checkpointSeqs.length).toBeGreaterThanOrEqual(3);
    const honest = await runAuditVerify({ DATA_DIR: dataDir });
    expect([honest.code, honest.stdout]).toEqual([0, expect.stringMatching(HONEST_VERIFY)]);
    const [, verified, head] = HONEST_VERIFY.exec(honest.stdout)!;
    expect([Number(verified), head]).toEqual([rows.length, rows[rows.length - 1].hash]);
    expect(honest.stdout).toContain(`(${checkpointSeqs.length} signed checkpoints`);

    const from = await runAuditVerify({ DATA_DIR: dataDir }, ['--from', '7']);
    expect([from.code, from.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^verified ${rows.length - 6} entries from 7 up to ${head}`))]);
  }, 60_000);

  it('fails, exit 1 naming the entry or checkpoint, after one byte, one deletion, one reordering or one forged checkpoint written straight into the database', async () => {
    const middle = 9;
    const withoutCheckpoint = rows.map((row) => row.seq).find((seq) => seq > 3 && !checkpointSeqs.includes(seq))!;
    const lastCheckpoint = checkpointSeqs[checkpointSeqs.length - 1];
    const stranger = auditSigner(generateKeyPairSync('ed25519').privateKey);
    const trustedKeyId = (db: Database.Database) => (db.prepare('SELECT key_id FROM audit_checkpoints LIMIT 1').get() as { key_id: string }).key_id;
    const insertCheckpoint = (db: Database.Database, checkpoint: { seq: number; headHash: string; at: string; keyId: string; signature: string }) =>
      db
        .prepare('INSERT INTO audit_checkpoints (seq, head_hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)')
        .run(checkpoint.seq, checkpoint.headHash, checkpoint.at, checkpoint.keyId, checkpoint.signature);

    const cases: [string, (db: Database.Database) => void, RegExp][] = [
      [
        'one byte of one entry changed',
        (db) => {
          const { entry } = rows[middle - 1];
          const at = entry.indexOf('"at":"') + '"at":"'.length + 3; // the last digit of the year
          const changed = `${entry.slice(0, at)}${(Number(entry[at]) + 1) % 10}${entry.slice(at + 1)}`;
          expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(entry));
          db.prepare('UPDATE audit_entries SET entry = ? WHERE seq = ?').run(changed, middle);
        },
        new RegExp(`^audit log does not verify: entry ${middle} does not hash to its stored hash`),
      ],
      [
        'one entry deleted',
        (db) => db.prepare('DELETE FROM audit_entries WHERE seq = ?').run(middle),
        new RegExp(`^audit log does not verify: entry ${middle} is missing`),
      ],
      [
        'a pair of entries reordered',
        (db) => {
          db.prepare('UPDATE audit_entries SET seq = -1 WHERE seq = ?').run(middle);
          db.prepare('UPDATE audit_entries SET seq = ? WHERE seq = ?').run(middle, middle + 1);
          db.prepare('UPDATE audit_entries SET seq = ? WHERE seq = -1').run(middle + 1);
        },
        new RegExp(`^audit log does not verify: entry ${middle} holds the text of another entry`),
      ],
      [
        'a checkpoint signed by a key nobody trusts',
        (db) => insertCheckpoint(db, stranger.sign({ seq: withoutCheckpoint, headHash: rows[withoutCheckpoint - 1].hash, at: new Date().toISOString() })),
        new RegExp(`^audit log does not verify: checkpoint ${withoutCheckpoint} is not signed by a trusted key \\(key id ${stranger.keyId}\\)`),
      ],
      [
        'a checkpoint naming the trusted key, with a signature it did not make',
        (db) => {
          const keyId = trustedKeyId(db);
          const forged = stranger.sign({ seq: withoutCheckpoint, headHash: rows[withoutCheckpoint - 1].hash, at: new Date().toISOString() });
          insertCheckpoint(db, { ...forged, keyId });
        },
        new RegExp(`^audit log does not verify: checkpoint ${withoutCheckpoint} is not signed by a trusted key`),
      ],
      [
        'entries cut from the end, through the last checkpoint',
        (db) => db.prepare('DELETE FROM audit_entries WHERE seq >= ?').run(lastCheckpoint),
        new RegExp(`^audit log does not verify: checkpoint ${lastCheckpoint} names entry ${lastCheckpoint}, which is not in the log`),
      ],
    ];
    const copiesOf = cases.map(([, tamper]) => tamperedCopy(tamper));
    const results: Awaited<ReturnType<typeof runAuditVerify>>[] = [];
    for (let n = 0; n < copiesOf.length; n += 2)
      results.push(...(await Promise.all(copiesOf.slice(n, n + 2).map((copy) => runAuditVerify({ DATA_DIR: copy })))));
    results.forEach((result, n) => {
      const [what, , expected] = cases[n];
      expect([what, result.code, result.stdout]).toEqual([what, 1, expect.stringMatching(expected)]);
    });

    // The honest log, untouched by all this, still verifies.
    expect((await runAuditVerify({ DATA_DIR: dataDir })).code).toBe(0);
  }, 120_000);
});
