import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Admin, IHeaders, Kafka, logLevel } from 'kafkajs';

const REPOSITORY = join(__dirname, '..', '..');
const PARTNER_MAIN = join(REPOSITORY, 'examples', 'partner-consumer', 'src', 'main.ts');
const TS_NODE = join(REPOSITORY, 'node_modules', 'ts-node', 'dist', 'bin.js');

/** The partner consumer example's settings (examples/partner-consumer/README.md, "Settings"). */
export interface PartnerConsumerSettings {
  readonly PARTY: string;
  readonly KAFKA_BROKERS: string;
  readonly PARTNER_DATA_FILE: string;
  readonly EXCHANGE_URL?: string;
  readonly EXCHANGE_API_KEY?: string;
  readonly FROM_BEGINNING?: 'true' | 'false';
}

export interface PartnerConsumerProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGKILL: no shutdown hook, no offset commit, no leaving the consumer group. */
  kill9(): Promise<void>;
  /** SIGTERM: Nest's shutdown hooks stop the consumer (it leaves its group) and close the file. */
  stop(): Promise<void>;
}

/**
 * Starts the example as its README says, from the repository root: `npx ts-node --transpile-only
 * examples/partner-consumer/src/main.ts` (ts-node finds the example's tsconfig.json beside its sources), with only
 * the given settings of the example's own (none inherited from the test's environment).
 */
export function startPartnerConsumer(settings: PartnerConsumerSettings): PartnerConsumerProcess {
  if (!existsSync(TS_NODE)) throw new Error(`${TS_NODE} is missing: the repository's dev dependencies are not installed`);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !['PARTY', 'KAFKA_BROKERS', 'PARTNER_DATA_FILE', 'EXCHANGE_URL', 'EXCHANGE_API_KEY', 'FROM_BEGINNING'].includes(name) && !name.startsWith('DEDUPE_'),
    ),
  );
  const child = spawn(process.execPath, [TS_NODE, '--transpile-only', PARTNER_MAIN], {
    cwd: REPOSITORY,
    env: { ...inherited, ...settings, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    child,
    output: () => output,
    kill9: () => signal('SIGKILL'),
    stop: async () => {
      const stopped = signal('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await stopped;
      clearTimeout(late);
    },
  };
}

export interface StoredCopy {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
  readonly type: string;
  readonly value: any;
  readonly storedAt: string;
}

export interface HandledDelivery {
  readonly messageId: string;
  readonly caseId: string;
  readonly caseVersion: number;
  readonly type: string;
  readonly handledAt: string;
  readonly acknowledgedAt: string | null;
}

/** What the example's SQLite file (PARTNER_DATA_FILE) holds, read on a connection of its own, closed at once. */
export function partnerFile(file: string): { copies: StoredCopy[]; handled: HandledDelivery[] } {
  if (!existsSync(file)) return { copies: [], handled: [] };
  const db = new Database(file, { fileMustExist: true });
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!tables.has('received_messages') || !tables.has('handled_deliveries')) return { copies: [], handled: [] };
    const copies = (db.prepare('SELECT * FROM received_messages ORDER BY case_id, case_version').all() as any[]).map((row) => ({
      messageId: row.message_id,
      caseId: row.case_id,
      caseVersion: row.case_version,
      type: row.type,
      value: JSON.parse(row.value),
      storedAt: row.stored_at,
    }));
    const handled = (db.prepare('SELECT * FROM handled_deliveries ORDER BY case_id, case_version').all() as any[]).map((row) => ({
      messageId: row.message_id,
      caseId: row.case_id,
      caseVersion: row.case_version,
      type: row.type,
      handledAt: row.handled_at,
      acknowledgedAt: row.acknowledged_at,
    }));
    return { copies, handled };
  } finally {
    db.close();
  }
}

/** Whether any of the file's bytes (the database and its write-ahead log) hold `text`. */
export function partnerFileBytesHold(file: string, text: string): boolean {
  return [file, `${file}-wal`].some((path) => existsSync(path) && readFileSync(path).includes(Buffer.from(text)));
}

export interface RawRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** Every record of `topic` as stored, from the beginning up to the end offsets of the moment, by a group of its own. */
export async function rawRecordsOf(brokers: string, topic: string): Promise<RawRecord[]> {
  const kafka = new Kafka({ clientId: 'cmx-test-partner-records', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((partition) => [partition.partition, BigInt(partition.high)]));
  await admin.disconnect();
  const wanted = [...ends.values()].reduce((sum, high) => sum + high, 0n);
  const consumer = kafka.consumer({ groupId: `cmx-test-partner-records-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const records: RawRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (BigInt(message.offset) < (ends.get(partition) ?? 0n))
          records.push({ partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers ?? {} });
      },
    });
    const deadline = Date.now() + 30_000;
    while (BigInt(records.length) < wanted) {
      if (Date.now() > deadline) throw new Error(`${records.length} of ${wanted} records of ${topic} read in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Writes records again onto `topic`, byte for byte (key, value, headers): what a repeat by the exchange looks like. */
export async function produceAgain(brokers: string, topic: string, records: readonly RawRecord[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'cmx-test-partner-repeats', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: records.map((record) => ({ key: record.key, value: record.value, headers: record.headers })) });
  } finally {
    await producer.disconnect();
  }
}

/** Whether `groupId` has committed, on every partition of `topic`, the topic's end offset: it has handled everything. */
export async function groupCaughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const offsetOf = new Map((committed?.partitions ?? []).map((partition) => [partition.partition, partition.offset]));
  return ends.every((end) => end.high === '0' || offsetOf.get(end.partition) === end.high);
}

/** Polls `read` until `done` holds, or fails after `timeoutMs` with what it last read and `context()`. */
export async function until<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  what: string,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached in ${timeoutMs} ms; last ${JSON.stringify(value)?.slice(0, 1_500)}\n${context().slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
