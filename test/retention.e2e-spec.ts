import { join } from 'node:path';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { Clock, CLOCK } from '@cmx/platform';
import { HONEST_VERIFY, readAuditLog, runAuditVerify, settle } from './support/audit-log';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';
import { runNpmScript, type ScriptRun } from './support/npm-script';

const OWNER = 'NCB-IT';
const PARTNER = 'NCB-GR';
const DAY_MS = 86_400_000;
const REVIEW_DAYS = 1;
const DELETE_DAYS = 2;

/** Settings of the test process that would point the script at another exchange than the one under test. */
const FOREIGN_SETTINGS = [
  'AUDIT_SIGNING_KEY_FILE',
  'EVENT_STORE',
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'DATA_DIR',
  'AUDIT_LOG',
  'RETENTION_REVIEW_DAYS',
  'RETENTION_DELETE_DAYS',
];

/** `npm run -s retention:sweep [-- args]` as an operator runs it beside the running exchange, on its files; the exchange goes on serving meanwhile. */
function runSweep(dataDir: string, args: readonly string[] = [], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<ScriptRun> {
  return runNpmScript('retention:sweep', {
    args,
    env: { DATA_DIR: dataDir, RETENTION_REVIEW_DAYS: String(REVIEW_DAYS), RETENTION_DELETE_DAYS: String(DELETE_DAYS), ...env },
    unset: FOREIGN_SETTINGS,
    timeoutMs,
  });
}

const lastLine = (text: string): string => text.trim().split('\n').pop()!;
/** The case ids a dry run lists, in its order. */
const listedIn = (text: string): string[] => [...text.matchAll(/^retention:sweep: would erase (\S+) \(deletion date /gm)].map((match) => match[1]);

describe('retention: GET /v1/retention/due and npm run retention:sweep (embedded exchange)', () => {
  let exchange: InProcessExchange;
  let owner: ExchangeClient;
  let partner: ExchangeClient;
  let clock: Clock;
  let store: EventStore;

  /** Runs `work` with the exchange's clock `days` behind: what it accepts then is stamped as received that long ago. */
  async function daysAgo<T>(days: number, work: (sentAt: string) => Promise<T>): Promise<T> {
    const real = clock.now;
    clock.now = () => new Date(Date.now() - days * DAY_MS);
    try {
      return await work(clock.now().toISOString());
    } finally {
      clock.now = real;
    }
  }

  async function post(client: ExchangeClient, message: unknown): Promise<any> {
    const answer = await client.post(message);
    if (answer.status !== 201) throw new Error(`POST /v1/messages answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const open = (caseId: string, sender: string, to: string, sentAt = new Date().toISOString()) =>
    messageOf('case.opened', { caseId, sender, header: { sentAt, distribution: { scope: 'recipients', recipients: [to] } } });
  const follow = (type: 'case.updated' | 'interception.reported', caseId: string, sentAt: string) =>
    messageOf(type, { caseId, sender: OWNER, header: { sentAt, distribution: { scope: 'recipients', recipients: [PARTNER] } } });

  const due = (client: ExchangeClient, query = '') => client.request('GET', `/v1/retention/due${query}`);
  const feedOf = async (client: ExchangeClient) => (await client.request('GET', '/v1/feed?limit=1000')).body.items as { cursor: string; delivery: any }[];
  const headOf = () => store.headPosition();

  /** The owner's cases opened 3 days ago; B was updated and C had an interception 1.5 days ago; D is new; the partner opened E 3 days ago. */
  const cases = { A1: '', A2: '', A3: '', B: '', C: '', D: '', E: '' };
  const received: Record<string, string> = {};

  beforeAll(async () => {
    exchange = await startInProcessExchange({ RETENTION_REVIEW_DAYS: String(REVIEW_DAYS), RETENTION_DELETE_DAYS: String(DELETE_DAYS) });
    owner = new ExchangeClient(exchange.baseUrl, OWNER);
    partner = new ExchangeClient(exchange.baseUrl, PARTNER);
    clock = exchange.app.get<symbol, Clock>(CLOCK, { strict: false });
    store = exchange.app.get<symbol, EventStore>(EVENT_STORE, { strict: false });
    for (const name of ['A1', 'A2', 'A3', 'B', 'C', 'D'] as const) cases[name] = newCaseId('IT');
    cases.E = newCaseId('GR');

    await daysAgo(3, async (sentAt) => {
      for (const name of ['A1', 'A2', 'A3', 'B', 'C'] as const) received[name] = (await post(owner, open(cases[name], OWNER, PARTNER, sentAt))).receivedAt;
      received.E = (await post(partner, open(cases.E, PARTNER, OWNER, sentAt))).receivedAt;
    });
    await daysAgo(1.5, async (sentAt) => {
      received.Bupdated = (await post(owner, follow('case.updated', cases.B, sentAt))).receivedAt;
      received.Cintercepted = (await post(owner, follow('interception.reported', cases.C, sentAt))).receivedAt;
    });
    received.D = (await post(owner, open(cases.D, OWNER, PARTNER))).receivedAt;
    await settle(exchange);
  });
  afterAll(() => exchange?.close());

  const plusDays = (time: string, days: number) => new Date(Date.parse(time) + days * DAY_MS).toISOString();

  it("lists the caller's own cases past their review date, by case id, with their deletion dates; another party's case and a new one are absent", async () => {
    const answer = await due(owner);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      items: [
        {
          caseId: cases.A1,
          status: 'open',
          lastActivityAt: received.A1,
          reviewDueAt: plusDays(received.A1, REVIEW_DAYS),
          deleteDueAt: plusDays(received.A1, DELETE_DAYS),
        },
        {
          caseId: cases.A2,
          status: 'open',
          lastActivityAt: received.A2,
          reviewDueAt: plusDays(received.A2, REVIEW_DAYS),
          deleteDueAt: plusDays(received.A2, DELETE_DAYS),
        },
        {
          caseId: cases.A3,
          status: 'open',
          lastActivityAt: received.A3,
          reviewDueAt: plusDays(received.A3, REVIEW_DAYS),
          deleteDueAt: plusDays(received.A3, DELETE_DAYS),
        },
        // case.updated extends the deletion date; an interception only the review date.
        {
          caseId: cases.B,
          status: 'open',
          lastActivityAt: received.Bupdated,
          reviewDueAt: plusDays(received.Bupdated, REVIEW_DAYS),
          deleteDueAt: plusDays(received.Bupdated, DELETE_DAYS),
        },
        {
          caseId: cases.C,
          status: 'open',
          lastActivityAt: received.Cintercepted,
          reviewDueAt: plusDays(received.Cintercepted, REVIEW_DAYS),
          deleteDueAt: plusDays(received.C, DELETE_DAYS),
        },
      ],
      nextCursor: null,
    });
    expect((await due(partner)).body.items.map((item: { caseId: string }) => item.caseId)).toEqual([cases.E]);
    expect((await due(new ExchangeClient(exchange.baseUrl, 'EUROPOL'))).body).toEqual({ items: [], nextCursor: null });
  });

  it('pages by case id, the cursor being the last case id of the page; records each page as consulted', async () => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const answer: { status: number; body: { items: { caseId: string }[]; nextCursor: string | null } } = await due(
        owner,
        `?limit=2${cursor ? `&after=${cursor}` : ''}`,
      );
      expect(answer.status).toBe(200);
      pages.push(answer.body.items.map((item) => item.caseId));
      if (answer.body.nextCursor !== null) expect(answer.body.nextCursor).toBe(answer.body.items[answer.body.items.length - 1].caseId);
      cursor = answer.body.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages).toEqual([[cases.A1, cases.A2], [cases.A3, cases.B], [cases.C]]);
    expect((await due(owner, `?after=${cases.C}`)).body).toEqual({ items: [], nextCursor: null });

    const { items } = await readAuditLog(exchange.baseUrl, { query: { party: OWNER, operation: 'consult' } });
    expect(items.slice(-4).map((item) => item.caseIds)).toEqual([[cases.A1, cases.A2], [cases.A3, cases.B], [cases.C], []]);
  });

  it('refuses unknown parameters, a limit outside 1 to 500 and a cursor that is no case id with 400 invalid_query', async () => {
    for (const query of ['?status=open', '?limit=0', '?limit=501', '?limit=ten', '?after=not%20a%20case', '?after=A&after=B']) {
      const answer = await due(owner, query);
      expect({ query, status: answer.status, error: answer.body.error }).toEqual({ query, status: 400, error: 'invalid_query' });
    }
    expect((await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/v1/retention/due')).status).toBe(401);
  });

  it('--dry-run lists the cases past their deletion date and changes nothing; --now dates them as of another time', async () => {
    const head = await headOf();

    const dryRun = await runSweep(exchange.dataDir, ['--dry-run']);
    expect(dryRun).toMatchObject({ code: 0, stderr: '' });
    const pastDeletion = [cases.A1, cases.A2, cases.A3, cases.C, cases.E].sort();
    expect(lastLine(dryRun.stdout)).toBe('would erase 5 of 5 cases past their deletion date');
    expect(listedIn(dryRun.stdout)).toEqual(pastDeletion);
    expect(dryRun.stdout).toContain(`retention:sweep: would erase ${cases.A1} (deletion date ${plusDays(received.A1, DELETE_DAYS)})`);
    expect(dryRun.stdout).toMatch(/read \d+ events of 7 cases; 5 past their deletion date/);

    const later = await runSweep(exchange.dataDir, ['--dry-run', '--now', new Date(Date.now() + 3 * DAY_MS).toISOString()]);
    expect(later.code).toBe(0);
    expect(lastLine(later.stdout)).toBe('would erase 7 of 7 cases past their deletion date');
    expect(listedIn(later.stdout)).toEqual(Object.values(cases).sort());

    expect(await headOf()).toBe(head);
    const audit = (await readAuditLog(exchange.baseUrl)).items;
    expect(audit.filter((item) => item.operation === 'erase' || item.party === 'CMX-RETENTION')).toEqual([]);
    expect((await owner.timeline(cases.A1)).body.entries.map((entry: { type: string }) => entry.type)).toEqual(['case.opened']);
  }, 180_000);

  it('refuses unknown arguments (exit 2) and settings it cannot use (exit 1, one line)', async () => {
    const unknown = await runSweep(exchange.dataDir, ['--all']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('retention:sweep: usage: npm run retention:sweep [-- --dry-run] [-- --now <RFC 3339 time>]');
    const badSetting = await runSweep(exchange.dataDir, ['--dry-run'], { RETENTION_DELETE_DAYS: 'ten' });
    expect(badSetting.code).toBe(1);
    expect(badSetting.stderr.trim()).toBe('config error: RETENTION_DELETE_DAYS=ten is not valid: expected a whole number from 1 to 36500');
    const noStore = await runSweep(join(exchange.dataDir, 'nothing-here'));
    expect(noStore.code).toBe(1);
    expect(noStore.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^retention:sweep: no event store at .*nothing-here/)]);
  }, 180_000);

  it('erases the cases past their deletion date whole, with one erasure notice to each recipient and an audit entry; a second sweep erases nothing', async () => {
    const sweep = await runSweep(exchange.dataDir);
    expect(sweep).toMatchObject({ code: 0, stderr: '' });
    expect(lastLine(sweep.stdout)).toBe('erased 5 of 5 cases past their deletion date');
    for (const caseId of [cases.A1, cases.A2, cases.A3, cases.C, cases.E]) expect(sweep.stdout).toContain(`retention:sweep: erased ${caseId} (case version `);
    for (const secret of ['DOE', 'JOHN', '+218911234567', 'X1234567']) expect(sweep.stdout + sweep.stderr).not.toContain(secret);
    await settle(exchange);

    const timeline = (await partner.timeline(cases.A1)).body;
    expect(timeline.entries.map((entry: { type: string }) => entry.type)).toEqual(['case.opened', 'case.erased']);
    expect(timeline.entries[0].body.persons).toEqual([
      { ref: 'P1', erased: true },
      { ref: 'P2', erased: true },
    ]);
    expect(timeline.entries[0].body.title).toEqual({ erased: true });
    expect(timeline.entries[1]).toMatchObject({
      sender: 'CMX-RETENTION',
      body: {
        wholeCase: true,
        reason: `retention: deletion date ${plusDays(received.A1, DELETE_DAYS)} passed`,
        legalBasis: `RETENTION_DELETE_DAYS=${DELETE_DAYS}`,
        messageIds: [timeline.entries[0].messageId],
      },
    });
    const cTypes = (await owner.timeline(cases.C)).body.entries.map((entry: { type: string }) => entry.type);
    expect(cTypes).toEqual(['case.opened', 'interception.reported', 'case.erased']);
    // B was extended by its case.updated, D is new: both stay whole.
    for (const kept of [cases.B, cases.D]) {
      const entries = (await owner.timeline(kept)).body.entries;
      expect(entries.map((entry: { type: string }) => entry.type)).not.toContain('case.erased');
      expect(entries[0].body.persons[0]).toMatchObject({ ref: 'P1', familyName: 'DOE' });
    }

    const notices = (client: ExchangeClient) =>
      feedOf(client).then((items) => items.filter((item) => item.delivery.type === 'erasure.notice').map((item) => item.delivery));
    const partnerNotices = await notices(partner);
    expect(partnerNotices.map((notice) => notice.caseId).sort()).toEqual([cases.A1, cases.A2, cases.A3, cases.C].sort());
    expect(partnerNotices.find((notice) => notice.caseId === cases.C)).toMatchObject({
      wholeCase: true,
      sender: 'CMX-RETENTION',
      messageIds: expect.any(Array),
    });
    expect(partnerNotices.find((notice) => notice.caseId === cases.C).messageIds).toHaveLength(2);
    expect((await notices(owner)).map((notice) => notice.caseId)).toEqual([cases.E]);

    const erasures = (await readAuditLog(exchange.baseUrl, { query: { operation: 'erase' } })).items;
    expect(erasures.map((item) => item.caseIds[0]).sort()).toEqual([cases.A1, cases.A2, cases.A3, cases.C, cases.E].sort());
    for (const item of erasures) {
      expect(item).toMatchObject({ party: 'CMX-RETENTION', keyId: null, onBehalfOf: null, purpose: 'retention sweep', recipients: [], requestId: null });
      expect(item.caseIds).toHaveLength(1);
    }
    const a1Timeline = (await owner.timeline(cases.A1)).body.entries;
    // The erasure's own id and the id of every message it concerns.
    expect([...erasures.find((item) => item.caseIds[0] === cases.A1)!.messageIds].sort()).toEqual([a1Timeline[1].messageId, a1Timeline[0].messageId].sort());

    // Erased whole, the owner's cases are due for review no more; B still is.
    expect((await due(owner)).body.items.map((item: { caseId: string }) => item.caseId)).toEqual([cases.B]);
    expect((await due(partner)).body.items).toEqual([]);

    // The gateway had A1 in its cache from before the sweep: its append meets the sweep's event, and the case refuses.
    const late = await owner.post(follow('case.updated', cases.A1, new Date().toISOString()));
    expect({ status: late.status, error: late.body.error }).toEqual({ status: 409, error: 'case_erased' });
    const verified = await runAuditVerify({ DATA_DIR: exchange.dataDir });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(HONEST_VERIFY);

    const head = await headOf();
    const again = await runSweep(exchange.dataDir);
    expect(again.code).toBe(0);
    expect(lastLine(again.stdout)).toBe('erased 0 of 0 cases past their deletion date');
    expect(await headOf()).toBe(head);
    expect((await readAuditLog(exchange.baseUrl, { query: { operation: 'erase' } })).items).toHaveLength(5);
  }, 180_000);
});
