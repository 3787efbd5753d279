import { createServer } from 'node:net';
import { ANY, NO_STREAM, type RecordedEvent, type ResolvedEvent } from '@eventstore/db-client';
import { EventIdCollisionError } from '../event-store.errors';
import type { NewEvent } from '../event-store.port';
import {
  comparePositions,
  encodePosition,
  expectedRevisionFor,
  isExchangeEvent,
  normalizeConnectionString,
  parsePosition,
  redactConnectionString,
  toStoredEvent,
  validateAppend,
  versionOfRevision,
} from './eventstoredb-codec';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import {
  CLAIMED_EVENT_TYPE,
  DEFAULT_ID_INDEX_STREAM_PREFIX,
  LINK_EVENT_TYPE,
  RELEASED_EVENT_TYPE,
  claimEvent,
  interpretIndexRecord,
  linkEvent,
} from './eventstoredb-id-index';

/** What runs without a server; the behaviour against one is in eventstoredb-event-store.int-spec.ts. */
describe('EventStoreDbEventStore without a server', () => {
  const PREFIX = DEFAULT_ID_INDEX_STREAM_PREFIX;

  describe('versions and expected revisions', () => {
    it('maps our expected version N to revision N-1, 0 to NO_STREAM and any to ANY', () => {
      expect(expectedRevisionFor(0)).toBe(NO_STREAM);
      expect(expectedRevisionFor(1)).toBe(0n);
      expect(expectedRevisionFor(25)).toBe(24n);
      expect(expectedRevisionFor('any')).toBe(ANY);
    });

    it('maps a current revision back to a version', () => {
      expect(versionOfRevision(NO_STREAM)).toBe(0);
      expect(versionOfRevision(0n)).toBe(1);
      expect(versionOfRevision(41n)).toBe(42);
      expect(() => versionOfRevision(BigInt(Number.MAX_SAFE_INTEGER))).toThrow(RangeError);
    });
  });

  describe('positions', () => {
    it('encodes an event position as its commit position, a decimal string', () => {
      expect(encodePosition({ commit: 1234n, prepare: 1234n }, 'e')).toBe('1234');
      expect(encodePosition({ commit: 9007199254740993n, prepare: 9007199254740993n }, 'e')).toBe('9007199254740993');
    });

    it('refuses positions it cannot encode uniquely or at all', () => {
      expect(() => encodePosition({ commit: 500n, prepare: 300n }, 'event x')).toThrow('explicit transaction');
      expect(() => encodePosition(undefined, 'event x')).toThrow('22.6');
      const unknown = 18446744073709551615n;
      expect(() => encodePosition({ commit: unknown, prepare: unknown }, 'event x')).toThrow('22.6');
    });

    it('parses only decimal strings within the 63-bit range of log positions', () => {
      expect(parsePosition('0')).toBe(0n);
      expect(parsePosition('9223372036854775807')).toBe(9223372036854775807n);
      for (const bad of ['', '-1', '01', '1.5', 'abc', '9223372036854775808', ' 1']) {
        expect(() => parsePosition(bad)).toThrow('not an event store position');
      }
    });

    it('orders positions by commit, then prepare', () => {
      expect(comparePositions({ commit: 1n, prepare: 1n }, { commit: 2n, prepare: 2n })).toBe(-1);
      expect(comparePositions({ commit: 9n, prepare: 3n }, { commit: 9n, prepare: 5n })).toBe(-1);
      expect(comparePositions({ commit: 9n, prepare: 5n }, { commit: 9n, prepare: 5n })).toBe(0);
      expect(comparePositions({ commit: 10n, prepare: 10n }, { commit: 9n, prepare: 5n })).toBe(1);
    });
  });

  describe('which $all records are exchange events', () => {
    it('keeps user events and drops system events, system streams and the id index', () => {
      expect(isExchangeEvent('case-IT-2026-1', 'CaseOpened', PREFIX)).toBe(true);
      expect(isExchangeEvent('$stats-127.0.0.1:2113', '$statsCollected', PREFIX)).toBe(false);
      expect(isExchangeEvent('case-IT-2026-1', '$>', PREFIX)).toBe(false);
      expect(isExchangeEvent('$$case-IT-2026-1', '$metadata', PREFIX)).toBe(false);
      expect(isExchangeEvent(`${PREFIX}0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11`, CLAIMED_EVENT_TYPE, PREFIX)).toBe(false);
      expect(isExchangeEvent('cmx-id-0b8e2c8e', 'Whatever', 'cmx-id-')).toBe(false);
    });
  });

  describe('validating an append', () => {
    const event = (overrides: Partial<NewEvent> = {}): NewEvent => ({
      id: '0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11',
      type: 'CaseOpened',
      data: { title: 't' },
      metadata: {},
      ...overrides,
    });

    it('accepts a well-formed append', () => {
      expect(validateAppend('case-1', [event()], 0, PREFIX)).toMatchObject({ streamName: 'case-1', expectedVersion: 0 });
    });

    it('refuses ids that would not come back as given, and repeated ids', () => {
      expect(() => validateAppend('case-1', [event({ id: '0B8E2C8E-6F0A-4C43-9D1B-3F1F2A9A7C11' })], 0, PREFIX)).toThrow('lower-case UUID');
      expect(() => validateAppend('case-1', [event({ id: 'message-1' })], 0, PREFIX)).toThrow('lower-case UUID');
      expect(() => validateAppend('case-1', [event(), event()], 0, PREFIX)).toThrow(EventIdCollisionError);
    });

    it('refuses reserved stream names and system event types', () => {
      expect(() => validateAppend('$case-1', [event()], 0, PREFIX)).toThrow('reserved');
      expect(() => validateAppend(`${PREFIX}x`, [event()], 0, PREFIX)).toThrow('reserved');
      expect(() => validateAppend('', [event()], 0, PREFIX)).toThrow('streamName');
      expect(() => validateAppend('case-1', [event({ type: '$CaseOpened' })], 0, PREFIX)).toThrow('reserves');
      expect(() => validateAppend('case-1', [event({ type: '' })], 0, PREFIX)).toThrow('type');
    });

    it('refuses what JSON cannot carry, bad versions and empty appends', () => {
      expect(() => validateAppend('case-1', [event({ data: ['a'] as unknown as NewEvent['data'] })], 0, PREFIX)).toThrow('JSON object');
      expect(() => validateAppend('case-1', [event({ data: { big: 1n } })], 0, PREFIX)).toThrow();
      expect(() => validateAppend('case-1', [event()], -1, PREFIX)).toThrow('expectedVersion');
      expect(() => validateAppend('case-1', [event()], 1.5, PREFIX)).toThrow('expectedVersion');
      expect(() => validateAppend('case-1', [], 0, PREFIX)).toThrow('at least one event');
    });
  });

  describe('connection strings', () => {
    it('accepts the KurrentDB spellings and hands the client esdb://', () => {
      expect(normalizeConnectionString('esdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
      expect(normalizeConnectionString('kurrentdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
      expect(normalizeConnectionString('kdb+discover://a:2113,b:2113')).toBe('esdb+discover://a:2113,b:2113');
      expect(normalizeConnectionString(' esdb+discover://cluster:2113 ')).toBe('esdb+discover://cluster:2113');
      expect(() => normalizeConnectionString('postgres://localhost')).toThrow('must start with esdb://');
      expect(() => normalizeConnectionString('')).toThrow('non-empty');
    });

    it('leaves passwords out of messages', () => {
      expect(redactConnectionString('esdb://admin:changeit@db:2113?tls=true')).toBe('esdb://admin:***@db:2113?tls=true');
      expect(redactConnectionString('esdb://db:2113')).toBe('esdb://db:2113');
    });
  });

  describe('event records', () => {
    it('turns a JSON record into a stored event: version = revision + 1, position = commit position', () => {
      const stored = toStoredEvent(record({ revision: 4n, position: { commit: 777n, prepare: 777n } }));

      expect(stored).toEqual({
        id: '0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11',
        type: 'CaseOpened',
        data: { title: 't' },
        metadata: { correlationId: 'c' },
        streamName: 'case-1',
        streamVersion: 5,
        position: '777',
        recordedAt: '2026-03-14T09:30:00.123Z',
      });
    });

    it('reads missing metadata as {} and refuses binary or non-object data', () => {
      expect(toStoredEvent(record({ metadata: undefined })).metadata).toEqual({});
      expect(() => toStoredEvent(record({ isJson: false, data: new Uint8Array([1]) }))).toThrow('not a JSON event');
      expect(() => toStoredEvent(record({ data: 'text' }))).toThrow('not a JSON object');
    });
  });

  describe('the id index', () => {
    it('reads a claim, a release and a resolved link as claimed, free and stored', () => {
      const claim = { owner: 'o', streamName: 'case-1', fromRevision: '3', claimedAt: '2026-03-14T09:30:00Z' };
      const claimRecord = record({ streamId: `${PREFIX}x`, type: CLAIMED_EVENT_TYPE, data: claim, revision: 0n });

      expect(interpretIndexRecord({ event: claimRecord })).toEqual({ kind: 'claimed', revision: 0n, claim });
      expect(interpretIndexRecord({ event: record({ type: RELEASED_EVENT_TYPE, data: { owner: 'o' }, revision: 1n }) })).toEqual({
        kind: 'free',
        revision: 1n,
      });
      const target = record({ revision: 3n });
      const link = record({ type: LINK_EVENT_TYPE, isJson: false, data: new Uint8Array(), revision: 2n }) as ResolvedEvent['link'];
      expect(interpretIndexRecord({ event: target, link })).toEqual({ kind: 'stored', revision: 2n, event: toStoredEvent(target) });
      expect(interpretIndexRecord({ link })).toEqual({ kind: 'free', revision: 2n });
    });

    it('refuses a malformed claim rather than guessing', () => {
      expect(() => interpretIndexRecord({ event: record({ type: CLAIMED_EVENT_TYPE, data: { owner: 'o' } }) })).toThrow('malformed claim');
      expect(() => interpretIndexRecord({ event: record({ type: 'Something' }) })).toThrow('unexpected');
    });

    it('writes claims as JSON and links as EventStoreDB links (<revision>@<stream>)', () => {
      const claim = claimEvent({ owner: 'o', streamName: 'case-1', fromRevision: '0', claimedAt: 'now' });
      expect(claim).toMatchObject({ type: CLAIMED_EVENT_TYPE, contentType: 'application/json' });
      const link = linkEvent('case-IT-2026-000123', 7n);
      expect(link).toMatchObject({ type: '$>', contentType: 'application/octet-stream' });
      expect(Buffer.from(link.data as Uint8Array).toString('utf8')).toBe('7@case-IT-2026-000123');
    });
  });

  describe('open()', () => {
    it('refuses bad options before connecting', async () => {
      await expect(EventStoreDbEventStore.open({ connectionString: 'http://localhost:2113' })).rejects.toThrow('must start with esdb://');
      await expect(
        EventStoreDbEventStore.open({ connectionString: 'esdb://localhost:2113?tls=false', operationTimeoutMs: 10_000, claimTimeoutMs: 15_000 }),
      ).rejects.toThrow('claimTimeoutMs');
      await expect(EventStoreDbEventStore.open({ connectionString: 'esdb://localhost:2113?tls=false', readBatchSize: 0 })).rejects.toThrow('readBatchSize');
    });

    it('fails with one line naming the server when nothing answers there', async () => {
      const port = await unusedPort();

      await expect(
        EventStoreDbEventStore.open({ connectionString: `esdb://127.0.0.1:${port}?tls=false`, operationTimeoutMs: 3_000, claimTimeoutMs: 10_000 }),
      ).rejects.toThrow(`EventStoreDB at esdb://127.0.0.1:${port}?tls=false did not answer`);
    }, 15_000);
  });
});

function record(overrides: Partial<Record<keyof RecordedEvent, unknown>> = {}): RecordedEvent {
  return {
    streamId: 'case-1',
    id: '0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11',
    isJson: true,
    revision: 0n,
    type: 'CaseOpened',
    created: new Date('2026-03-14T09:30:00.123Z'),
    data: { title: 't' },
    metadata: { correlationId: 'c' },
    position: { commit: 100n, prepare: 100n },
    ...overrides,
  } as RecordedEvent;
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
