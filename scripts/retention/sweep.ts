/**
 * npm run retention:sweep [-- --dry-run] [-- --now <RFC 3339 time>]
 *
 * Erases, whole, every case past its deletion date: RETENTION_DELETE_DAYS after
 * its last case.opened or case.updated (libs/case-domain/src/retention.ts). It
 * reads the store the settings name (EVENT_STORE, DATA_DIR, DATABASE_URL…, as
 * for the services) up to its head, folds each case, and for each case due
 * appends a case.erased `{ wholeCase: true }` requested by CMX-RETENTION (as an
 * admin would), after an `erase` entry in the audit log, then destroys the
 * case's keys. The projector refolds the read models and the dispatcher sends
 * the erasure notices when they meet the event, as for any erasure.
 *
 * --dry-run   lists the cases it would erase and changes nothing (no event, no
 *             key, no audit entry).
 * --now T     takes T as the present to tell which cases are due (tests, or a
 *             dry run of what a later date will erase); the erasures are still
 *             stamped with the real time.
 *
 * Prints case ids, dates and counts only, never personal data. Exit 0 when
 * every case due was erased (or, in a dry run, listed), 1 on a settings error
 * (one line) or when a case could not be erased, 2 on unknown arguments.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuditRecord, AuditRecorder } from '@cmx/audit';
import {
  AnyCaseEvent,
  caseStreamName,
  CaseMessageMetadata,
  CaseProtectionEvent,
  CaseRetention,
  decideProtection,
  deleteDueAt,
  evolve,
  evolveRetention,
  initialCaseRetention,
  initialCaseState,
  isAnyCaseEventType,
  isDeletionDue,
  RETENTION_PARTY,
  retentionErasure,
  RetentionPolicy,
  retentionOf,
} from '@cmx/case-domain';
import { isDateTime, parseDateTime } from '@cmx/contracts';
import { ExchangeError } from '@cmx/errors';
import type { EventStore, JsonObject } from '@cmx/event-store';
import { PersonalDataVault } from '@cmx/personal-data';
import {
  checkpointPolicy,
  ConfigError,
  embeddedSigningKeyFile,
  ExchangeConfig,
  loadConfig,
  openAuditLog,
  openEventStore,
  openKeyStore,
  openSigningKey,
} from '@cmx/platform';

const USAGE = 'retention:sweep: usage: npm run retention:sweep [-- --dry-run] [-- --now <RFC 3339 time>]';
const READ_PAGE = 5_000;
/** Without a terminal, a progress line on stderr this often while the store is read. */
const PROGRESS_EVERY_EVENTS = 500_000;
/** Cases erased at once: their appends, keys and audit entries share commits. */
const ERASING_AT_ONCE = 8;
/** A case written to between our read and our append is read and decided again, this many times at most. */
const MAX_DECIDE_ATTEMPTS = 5;

interface Arguments {
  readonly dryRun: boolean;
  readonly now?: Date;
}

function parseArguments(args: readonly string[]): Arguments | undefined {
  let dryRun = false;
  let now: Date | undefined;
  for (let index = 0; index < args.length; index++) {
    if (args[index] === '--dry-run') dryRun = true;
    else if (args[index] === '--now' && isDateTime(args[index + 1])) now = new Date(parseDateTime(args[++index])!);
    else return undefined;
  }
  return { dryRun, now };
}

/** Erasing needs the audit log (an erasure never happens without its entry), hence its signing key. */
interface Erasing {
  readonly store: EventStore;
  readonly vault: PersonalDataVault;
  /** Null with AUDIT_LOG=off. */
  readonly audit: AuditRecorder | null;
  readonly policy: RetentionPolicy;
  readonly now: Date;
}

/** `refused`: a rule of the case refused the erasure (the sweep goes on with the others, and exits 1). */
type Outcome = { readonly erased: true; readonly version: number } | { readonly erased: false; readonly why: string; readonly refused?: true };

async function main(args: readonly string[]): Promise<number> {
  const parsed = parseArguments(args);
  if (!parsed) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const policy: RetentionPolicy = { reviewDays: config.personalData.retentionReviewDays, deleteDays: config.personalData.retentionDeleteDays };
  const now = parsed.now ?? new Date();
  const embedded = config.databaseUrl === undefined;
  if (config.eventStore === 'sqlite' && !existsSync(join(config.dataDir, 'events.sqlite'))) {
    console.error(`retention:sweep: no event store at ${join(config.dataDir, 'events.sqlite')} (DATA_DIR=${config.dataDir})`);
    return 1;
  }
  const signer = parsed.dryRun || !config.audit.enabled ? undefined : signingKeyOf(config, embedded);

  const store = await openEventStore(config);
  try {
    console.log(
      `retention:sweep: deletion date = last case.opened or case.updated + ${policy.deleteDays} days (RETENTION_DELETE_DAYS), as of ${now.toISOString()}` +
        `${parsed.now ? ' (--now)' : ''}${parsed.dryRun ? '; dry run: nothing is changed' : ''}`,
    );
    const { cases, events } = await foldStore(store);
    const due = [...cases].filter(([, retention]) => isDeletionDue(retention, policy, now)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    console.log(`retention:sweep: read ${events} events of ${cases.size} cases; ${due.length} past their deletion date`);

    if (parsed.dryRun) {
      for (const [caseId, retention] of due) console.log(`retention:sweep: would erase ${caseId} (deletion date ${deleteDueAt(retention, policy)})`);
      console.log(`would erase ${due.length} of ${due.length} cases past their deletion date`);
      return 0;
    }
    if (!config.audit.enabled) console.warn('retention:sweep: AUDIT_LOG=off: the erasures are not logged. For benchmarks only, never with real data.');
    return await eraseDue(due, config, signer, { store, policy, now });
  } finally {
    await store.close();
  }
}

/** The audit signing key, as the services take it; for the embedded exchange the one it made under DATA_DIR, never a new one. */
function signingKeyOf(config: ExchangeConfig, embedded: boolean) {
  if (embedded && !config.audit.signingKeyFile && !existsSync(embeddedSigningKeyFile(config))) {
    throw new ConfigError(`no audit signing key at ${embeddedSigningKeyFile(config)}: start the exchange once on this DATA_DIR, or set AUDIT_SIGNING_KEY_FILE`);
  }
  return openSigningKey(config, embedded).signer;
}

/** Every case of the store up to its head at the start, folded: case id → retention. */
async function foldStore(store: EventStore): Promise<{ cases: Map<string, CaseRetention>; events: number }> {
  const cases = new Map<string, CaseRetention>();
  const head = await store.headPosition();
  let events = 0;
  let after: string | undefined;
  let lastShown = performance.now();
  while (head !== undefined) {
    const page = await store.readAll({ after, limit: READ_PAGE });
    if (page.length === 0) break;
    let reachedHead = false;
    for (const event of page) {
      if (BigInt(event.position) > BigInt(head)) {
        reachedHead = true;
        break;
      }
      events += 1;
      if (!isAnyCaseEventType(event.type)) continue;
      const { caseId } = event.metadata as unknown as CaseMessageMetadata;
      cases.set(caseId, evolveRetention(cases.get(caseId) ?? initialCaseRetention, event as unknown as AnyCaseEvent));
    }
    after = page[page.length - 1].position;
    if (process.stderr.isTTY && performance.now() - lastShown > 500) {
      process.stderr.write(`\rretention:sweep: read ${events} events of ${cases.size} cases…`);
      lastShown = performance.now();
    } else if (!process.stderr.isTTY && events >= PROGRESS_EVERY_EVENTS && events % PROGRESS_EVERY_EVENTS < page.length) {
      console.error(`retention:sweep: read ${events} events of ${cases.size} cases…`);
    }
    if (reachedHead || after === head) break;
  }
  if (process.stderr.isTTY && events > 0) process.stderr.write('\r\x1b[K');
  return { cases, events };
}

async function eraseDue(
  due: readonly [string, CaseRetention][],
  config: ExchangeConfig,
  signer: ReturnType<typeof signingKeyOf> | undefined,
  { store, policy, now }: Pick<Erasing, 'store' | 'policy' | 'now'>,
): Promise<number> {
  if (due.length === 0) {
    console.log('erased 0 of 0 cases past their deletion date');
    return 0;
  }
  const keys = openKeyStore(config);
  const log = signer ? openAuditLog(config, checkpointPolicy(config, signer), 'tool') : undefined;
  const audit = log ? new AuditRecorder(log, () => new Date()) : null;
  const erasing: Erasing = { store, vault: new PersonalDataVault(keys), audit, policy, now };
  let erased = 0;
  let failed = 0;
  try {
    const queue = [...due];
    await Promise.all(
      Array.from({ length: Math.min(ERASING_AT_ONCE, queue.length) }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const [caseId] = next;
          const outcome = await eraseCase(caseId, erasing);
          if (outcome.erased) {
            erased += 1;
            console.log(`retention:sweep: erased ${caseId} (case version ${outcome.version})`);
          } else {
            if (outcome.refused) failed += 1;
            console.log(`retention:sweep: ${caseId} not erased: ${outcome.why}`);
          }
        }
      }),
    );
    await audit?.stop();
  } finally {
    await log?.close();
    await keys.close();
  }
  console.log(`erased ${erased} of ${due.length} cases past their deletion date`);
  return failed > 0 ? 1 : 0;
}

/**
 * One case, decided on its stream as it is now: a case report that came since the store was read moves the
 * deletion date, and the case is left alone; a conflict with another writer reads and decides again.
 */
async function eraseCase(caseId: string, { store, vault, audit, policy, now }: Erasing): Promise<Outcome> {
  const eventId = randomUUID();
  let logged = false;
  for (let attempt = 1; ; attempt++) {
    const history = (await store.readStream(caseStreamName(caseId))) as unknown as AnyCaseEvent[];
    const retention = retentionOf(history);
    if (retention.wholeCaseErased) return { erased: false, why: 'erased whole meanwhile' };
    if (!isDeletionDue(retention, policy, now))
      return { erased: false, why: `a case report came meanwhile: deletion date now ${deleteDueAt(retention, policy)}` };
    const state = history.reduce(evolve, initialCaseState);
    let event: CaseProtectionEvent;
    try {
      event = decideProtection(retentionErasure(caseId, retention, policy, { eventId, receivedAt: new Date() }), state, history);
    } catch (error) {
      // A domain error names codes and refs only; anything else (the store, the audit log) stops the sweep.
      if (!(error instanceof ExchangeError)) throw error;
      return { erased: false, why: `${error.code}: ${error.message}`, refused: true };
    }
    if (!logged) {
      // Before the change, as for every erasure: none happens without its entry.
      await audit?.record(retentionAuditRecord(caseId, [eventId, ...event.data.messageIds]));
      logged = true;
    }
    const result = await store.append(
      caseStreamName(caseId),
      [{ id: eventId, type: event.type, data: event.data as unknown as JsonObject, metadata: event.metadata as unknown as JsonObject }],
      retention.version,
    );
    if (result.outcome === 'appended') {
      try {
        await vault.applyProtection(result.events[0]);
      } catch (error) {
        console.warn(
          `retention:sweep: ${caseId}: erased, but its keys are not destroyed yet (${(error as Error).message}): the projector and the dispatcher destroy them when they meet the event`,
        );
      }
      return { erased: true, version: result.events[0].streamVersion };
    }
    if (result.outcome === 'duplicate') throw new Error(`case ${caseId}: event id ${eventId} is stored already`);
    if (attempt >= MAX_DECIDE_ATTEMPTS) return { erased: false, why: `written to by others ${attempt} times while it was decided`, refused: true };
  }
}

const retentionAuditRecord = (caseId: string, messageIds: readonly string[]): AuditRecord => ({
  operation: 'erase',
  party: RETENTION_PARTY,
  keyId: null,
  onBehalfOf: null,
  purpose: 'retention sweep',
  // The log knows no channel for a tool run by an operator; the erasure is of the kind POST /v1/cases/{id}/erasures makes.
  channel: 'http',
  cases: [{ caseId, messageIds }],
  recipients: [],
  requestId: null,
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `config error: ${error.message}` : `retention:sweep: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  },
);
