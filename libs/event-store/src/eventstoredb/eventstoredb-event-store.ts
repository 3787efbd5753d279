import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  InvalidArgumentError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type ReadStreamOptions as EsdbReadStreamOptions,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { nonNegativeInteger, positiveInteger } from '../argument-checks';
import { EventIdCollisionError, EventStoreClosedError } from '../event-store.errors';
import type {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { OperationsInFlight } from '../operations-in-flight';
import { checkStreamPartition, StreamPartition, streamPartitionOf } from '../stream-partition';
import {
  allPositionOf,
  comparePositions,
  encodePosition,
  expectedRevisionFor,
  isExchangeEvent,
  normalizeConnectionString,
  parsePosition,
  positionOf,
  redactConnectionString,
  toStoredEvent,
  validateAppend,
  versionOfRevision,
  type ValidatedAppend,
} from './eventstoredb-codec';
import {
  DEFAULT_ID_INDEX_STREAM_PREFIX,
  claimEvent,
  interpretIndexRecord,
  linkEvent,
  releaseEvent,
  type ClaimData,
  type IndexState,
} from './eventstoredb-id-index';
import { EventStoreDbSubscription } from './eventstoredb-subscription';

export interface EventStoreDbEventStoreOptions {
  /**
   * `esdb://host:2113?tls=false`, `esdb+discover://…`; the KurrentDB spellings
   * (`kurrentdb://`, `kdb://`) are accepted and mean the same. The user needs
   * to read `$all` and to write the id index streams (`$`-streams by default:
   * an admin, or any user on an insecure node).
   */
  readonly connectionString: string;
  /** gRPC deadline of an append, and the longest open() and ping() wait. Default 10000. */
  readonly operationTimeoutMs?: number;
  /**
   * How long an id claim may stay unresolved before another append takes it
   * over (see README.md). Must exceed twice operationTimeoutMs. Default 30000.
   */
  readonly claimTimeoutMs?: number;
  /** First pause while waiting for another append's claim; doubles up to 200 ms. Default 10. */
  readonly claimPollIntervalMs?: number;
  /** Records per `$all` read while paging (readAll, headPosition). Default 512. */
  readonly readBatchSize?: number;
  /** Prefix of the id index streams. Default `$cmx-id-`. */
  readonly idIndexStreamPrefix?: string;
}

/** What an id claim came to. */
type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly id: string; readonly revision: bigint; readonly sentAt: number }
  | { readonly kind: 'stored'; readonly event: StoredEvent }
  | { readonly kind: 'busy' };

interface HeldClaim {
  readonly id: string;
  /** The revision of our claim record in the id's index stream. */
  readonly revision: bigint;
  /** performance.now() when the claim record was sent: its age as other processes may count it. */
  readonly sentAt: number;
}

/** A waiter looks for the claimed event in its stream once the claim has been pending this long. */
const LOCATE_PENDING_CLAIM_AFTER_MS = 1_000;
const MAX_CLAIM_POLL_INTERVAL_MS = 200;
/** Records read per `$all` page when looking backwards for the head. */
const HEAD_PAGE_SIZE = 64;

/**
 * The EventStore port on EventStoreDB / KurrentDB over gRPC.
 *
 * Streams are EventStoreDB streams of the same name; our version N is
 * revision N-1; an event's id is its EventStoreDB event id; data and metadata
 * are JSON. Positions are `$all` commit positions as decimal strings
 * (eventstoredb-codec.ts says why they are unique per event).
 *
 * Idempotency by event id does not rely on the server's own (which only
 * holds within its cache and for the same expected version): each event id
 * is claimed in an index stream before the append and linked to the stored
 * event after it. README.md in this folder describes the protocol and its
 * failure modes.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private readonly operations = new OperationsInFlight();
  private readonly operationTimeoutMs: number;
  private readonly claimTimeoutMs: number;
  private readonly claimPollIntervalMs: number;
  private readonly readBatchSize: number;
  private readonly idIndexStreamPrefix: string;

  private constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions,
  ) {
    const settings = settingsOf(options);
    this.operationTimeoutMs = settings.operationTimeoutMs;
    this.claimTimeoutMs = settings.claimTimeoutMs;
    this.claimPollIntervalMs = settings.claimPollIntervalMs;
    this.readBatchSize = settings.readBatchSize;
    this.idIndexStreamPrefix = settings.idIndexStreamPrefix;
  }

  /** Connects and makes one round trip, so that a wrong address or missing rights fail here. */
  static async open(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
    settingsOf(options);
    const connectionString = normalizeConnectionString(options.connectionString);
    const client = EventStoreDBClient.connectionString(connectionString);
    const store = new EventStoreDbEventStore(client, options);
    try {
      await store.roundTrip();
      return store;
    } catch (error) {
      await disposeClient(client);
      throw new Error(`EventStoreDB at ${redactConnectionString(connectionString)} did not answer: ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  append(streamName: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return this.track(async () => this.appendValidated(validateAppend(streamName, events, expectedVersion, this.idIndexStreamPrefix)));
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => {
      if (typeof streamName !== 'string' || streamName.length === 0) throw new TypeError('readStream: streamName must be a non-empty string');
      const afterVersion = nonNegativeInteger(options.afterVersion ?? 0, 'afterVersion');
      const limit = options.limit === undefined ? undefined : nonNegativeInteger(options.limit, 'limit');
      if (limit === 0) return [];
      const records = await this.readStreamRecords(streamName, {
        fromRevision: BigInt(afterVersion),
        maxCount: limit ?? Number.MAX_SAFE_INTEGER,
        direction: FORWARDS,
      });
      return records.map((resolved) => toStoredEvent(requireEvent(resolved, streamName)));
    });
  }

  streamVersion(streamName: string): Promise<number> {
    return this.track(async () => this.currentVersion(streamName));
  }

  findEvent(id: string): Promise<StoredEvent | undefined> {
    return this.track(async () => {
      if (typeof id !== 'string' || id.length === 0) return undefined;
      const state = await this.readIndexState(id);
      if (state.kind === 'stored') return state.event;
      if (state.kind === 'claimed') return this.locate(state.claim.streamName, id, BigInt(state.claim.fromRevision));
      return undefined;
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => {
      const after = options.after === undefined ? undefined : parsePosition(options.after);
      const limit = options.limit === undefined ? undefined : nonNegativeInteger(options.limit, 'limit');
      if (options.partition !== undefined) checkStreamPartition(options.partition);
      return this.readAllPage(after, limit, options.partition);
    });
  }

  headPosition(): Promise<string | undefined> {
    return this.track(async () => {
      let from: ReadPosition = END;
      for (;;) {
        const page: AllStreamResolvedEvent[] = await collect(this.client.readAll({ fromPosition: from, direction: BACKWARDS, maxCount: HEAD_PAGE_SIZE }));
        for (const { event } of page) {
          if (event && this.isExchangeEvent(event)) return encodePosition(event.position, `event ${event.id}`);
        }
        const last = page[page.length - 1]?.event;
        if (page.length < HEAD_PAGE_SIZE || !last) return undefined;
        // Reading backwards from an event's position leaves that event out.
        from = positionOf(last);
      }
    });
  }

  subscribe(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    if (this.operations.isClosing) throw new EventStoreClosedError();
    const after = options.after === undefined ? undefined : parsePosition(options.after);
    // The server pages its catch-up reads itself; batchSize is checked for the port's sake only.
    if (options.batchSize !== undefined) positiveInteger(options.batchSize, 'batchSize');
    const subscription = new EventStoreDbSubscription({
      client: this.client,
      handler,
      after,
      idIndexStreamPrefix: this.idIndexStreamPrefix,
      onEnd: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  ping(): Promise<void> {
    return this.track(async () => this.roundTrip());
  }

  /**
   * Stops the subscriptions (letting running handlers finish, their appends
   * included), waits for the calls still running, then closes the connection.
   */
  close(): Promise<void> {
    return this.operations.close(
      async () => {
        await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      },
      () => disposeClient(this.client),
    );
  }

  /** Runs `operation` unless the store is closed, and lets close() wait for it. */
  private track<T>(operation: () => Promise<T>): Promise<T> {
    return this.operations.track(operation);
  }

  // ---- append -------------------------------------------------------------

  private async appendValidated({ streamName, events, expectedVersion }: ValidatedAppend): Promise<AppendResult> {
    const claim: ClaimData = {
      owner: randomUUID(),
      streamName,
      // With a numeric expected version the events land exactly there; with 'any' anywhere after it.
      fromRevision: (expectedVersion === 'any' ? 0 : expectedVersion).toString(),
      claimedAt: new Date().toISOString(),
    };

    // 1. The first id is the idempotency key: wait for whoever holds it, return what they stored.
    const first = await this.claimId(events[0].id, claim, 'wait');
    if (first.kind === 'stored') return { outcome: 'duplicate', existing: first.event };
    if (first.kind !== 'claimed') throw new Error(`append to ${streamName}: could not claim event id ${events[0].id}`);
    const held: HeldClaim[] = [first];

    // 2. Every later id must be unused: claim them without waiting.
    const later = await Promise.allSettled(events.slice(1).map((event) => this.claimId(event.id, claim, 'no-wait')));
    let refusal: unknown;
    later.forEach((settled, index) => {
      if (settled.status === 'fulfilled' && settled.value.kind === 'claimed') held.push(settled.value);
      else refusal ??= settled.status === 'rejected' ? settled.reason : new EventIdCollisionError(streamName, events[index + 1].id);
    });
    if (refusal !== undefined) {
      await this.release(held, claim.owner);
      throw refusal;
    }

    // 3. Append, unless our claims are so old that a waiter could take them over before the append
    //    is decided (a waiter counts from when it first saw a claim, which is after we sent it).
    if (performance.now() - first.sentAt > this.claimTimeoutMs - 2 * this.operationTimeoutMs) {
      await this.release(held, claim.owner);
      throw new Error(`append to ${streamName}: claiming its event ids took too long; nothing was written`);
    }
    let lastRevision: bigint;
    try {
      const result = await this.client.appendToStream(streamName, events.map(toEventData), {
        expectedRevision: expectedRevisionFor(expectedVersion),
        deadline: this.operationTimeoutMs,
      });
      lastRevision = result.nextExpectedRevision;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        await this.release(held, claim.owner);
        return { outcome: 'version_conflict', actualVersion: versionOfRevision(error.actualVersion) };
      }
      if (isDefinitelyNotWritten(error)) await this.release(held, claim.owner);
      // Otherwise the outcome is unknown (timeout, lost connection): the claims stay, and whoever
      // meets them looks for the events in the stream (findEvent, a retry) or, after
      // claimTimeoutMs, takes them over.
      throw error;
    }

    // 4. Read the events back (the server sets the time and the positions) and link the ids to them.
    const firstRevision = lastRevision - BigInt(events.length) + 1n;
    const [stored] = await Promise.all([this.readAppended(streamName, firstRevision, events), this.linkClaims(held, streamName, firstRevision)]);
    return { outcome: 'appended', events: stored, nextExpectedVersion: versionOfRevision(lastRevision) };
  }

  /**
   * Claims `id` for the append described by `claim`: writes a claim record
   * with the index stream's expected revision, so that of concurrent
   * claimants exactly one succeeds. `wait` (the first id) waits for another
   * claimant to finish; `no-wait` (later ids) gives up at once.
   */
  private async claimId(id: string, claim: ClaimData, mode: 'wait' | 'no-wait'): Promise<ClaimOutcome> {
    const indexStream = this.indexStreamOf(id);
    let expectedRevision: AppendExpectedRevision = NO_STREAM;
    let pending: { readonly revision: bigint; readonly since: number } | undefined;
    let pause = this.claimPollIntervalMs;
    for (;;) {
      const sentAt = performance.now();
      try {
        const result = await this.client.appendToStream(indexStream, claimEvent(claim), { expectedRevision, deadline: this.operationTimeoutMs });
        return { kind: 'claimed', id, revision: result.nextExpectedRevision, sentAt };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
      for (;;) {
        const state = await this.readIndexState(id);
        if (state.kind === 'stored') return { kind: 'stored', event: state.event };
        if (state.kind === 'absent') {
          expectedRevision = NO_STREAM;
          break;
        }
        if (state.kind === 'free') {
          expectedRevision = state.revision;
          break;
        }
        // Claimed by another append. Its age is measured on this process's monotonic clock from
        // the moment this claim record was first seen, so clocks of other machines do not matter.
        const now = performance.now();
        if (pending?.revision !== state.revision) pending = { revision: state.revision, since: now };
        const pendingFor = now - pending.since;
        if (mode === 'no-wait' || pendingFor >= LOCATE_PENDING_CLAIM_AFTER_MS) {
          // The claimant may have stored the event and died before linking it.
          const found = await this.locate(state.claim.streamName, id, BigInt(state.claim.fromRevision));
          if (found) {
            await this.linkQuietly(id, found, state.revision);
            return { kind: 'stored', event: found };
          }
        }
        if (mode === 'no-wait') return { kind: 'busy' };
        if (pendingFor >= this.claimTimeoutMs) {
          // Abandoned: its append was refused, never sent or failed long ago. Free the id for everyone.
          try {
            await this.client.appendToStream(indexStream, releaseEvent(state.claim.owner), {
              expectedRevision: state.revision,
              deadline: this.operationTimeoutMs,
            });
          } catch (error) {
            if (!(error instanceof WrongExpectedVersionError)) throw error;
          }
          continue;
        }
        await sleep(pause);
        pause = Math.min(pause * 2, MAX_CLAIM_POLL_INTERVAL_MS);
      }
    }
  }

  /** Marks our claims as released, so that the ids are free again. Best effort: an unreleased claim expires. */
  private async release(claims: readonly HeldClaim[], owner: string): Promise<void> {
    await Promise.all(
      claims.map((held) =>
        this.client
          .appendToStream(this.indexStreamOf(held.id), releaseEvent(owner), {
            expectedRevision: held.revision,
            deadline: this.operationTimeoutMs,
          })
          .catch(() => undefined),
      ),
    );
  }

  /**
   * Replaces our claims with links to the stored events. Never fails the
   * append, which is stored already: a claim left behind is resolved by
   * whoever meets it (they find the event in the stream).
   */
  private async linkClaims(claims: readonly HeldClaim[], streamName: string, firstRevision: bigint): Promise<void> {
    await Promise.all(
      claims.map(async (held, index) => {
        const revision = firstRevision + BigInt(index);
        try {
          await this.client.appendToStream(this.indexStreamOf(held.id), linkEvent(streamName, revision), {
            expectedRevision: held.revision,
            deadline: this.operationTimeoutMs,
          });
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) return;
          // Someone resolved our claim meanwhile: fine if they linked it; if they released it
          // (they did not see the event yet), link it now.
          const state = await this.readIndexState(held.id).catch(() => undefined);
          if (state?.kind === 'free') {
            await this.client
              .appendToStream(this.indexStreamOf(held.id), linkEvent(streamName, revision), {
                expectedRevision: state.revision,
                deadline: this.operationTimeoutMs,
              })
              .catch(() => undefined);
          }
        }
      }),
    );
  }

  private async linkQuietly(id: string, event: StoredEvent, claimRevision: bigint): Promise<void> {
    await this.client
      .appendToStream(this.indexStreamOf(id), linkEvent(event.streamName, BigInt(event.streamVersion - 1)), {
        expectedRevision: claimRevision,
        deadline: this.operationTimeoutMs,
      })
      .catch(() => undefined);
  }

  private async readAppended(streamName: string, firstRevision: bigint, events: readonly NewEvent[]): Promise<StoredEvent[]> {
    const records = await this.readStreamRecords(streamName, { fromRevision: firstRevision, maxCount: events.length, direction: FORWARDS });
    const stored = records.map((resolved) => toStoredEvent(requireEvent(resolved, streamName)));
    if (stored.length === events.length && stored.every((event, index) => event.id === events[index].id)) return stored;
    // The server reported another revision than where our events are (it treated the write as a repeat).
    const located: StoredEvent[] = [];
    for (const event of events) {
      const found = await this.locate(streamName, event.id, 0n);
      if (!found) throw new Error(`append to ${streamName} was acknowledged, but event ${event.id} is not in the stream`);
      located.push(found);
    }
    return located;
  }

  // ---- reading ------------------------------------------------------------

  private async currentVersion(streamName: string): Promise<number> {
    const [last] = await this.readStreamRecords(streamName, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    return last ? versionOfRevision(requireEvent(last, streamName).revision) : 0;
  }

  private async readIndexState(id: string): Promise<IndexState> {
    const [last] = await this.readStreamRecords(this.indexStreamOf(id), {
      fromRevision: END,
      direction: BACKWARDS,
      maxCount: 1,
      resolveLinkTos: true,
    });
    return last ? interpretIndexRecord(last) : { kind: 'absent' };
  }

  /** The event with `id` in `streamName` at or after `fromRevision`, if it is there. */
  private async locate(streamName: string, id: string, fromRevision: bigint): Promise<StoredEvent | undefined> {
    const records = await this.readStreamRecords(streamName, { fromRevision, direction: FORWARDS, maxCount: Number.MAX_SAFE_INTEGER });
    const record = records.find((resolved) => resolved.event?.id === id)?.event;
    return record && toStoredEvent(record);
  }

  private async readStreamRecords(streamName: string, options: EsdbReadStreamOptions): Promise<ResolvedEvent[]> {
    try {
      return await collect(this.client.readStream(streamName, options));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Up to `limit` exchange events strictly after `after`, reading `$all` in pages and skipping system records. */
  private async readAllPage(after: bigint | undefined, limit: number | undefined, partition?: StreamPartition): Promise<StoredEvent[]> {
    const found: StoredEvent[] = [];
    if (limit === 0) return found;
    let cursor: Position | undefined = after === undefined ? undefined : allPositionOf(after);
    for (;;) {
      // Roughly two index records accompany each event: read enough to fill the page in one go.
      const wanted = limit === undefined ? this.readBatchSize : Math.min(this.readBatchSize, (limit - found.length) * 3 + 1);
      const page: AllStreamResolvedEvent[] = await collect(
        this.client.readAll({ fromPosition: cursor ?? START, direction: FORWARDS, maxCount: wanted, resolveLinkTos: false }),
      );
      for (const { event } of page) {
        if (!event) continue;
        // Reading forwards from a position includes the event there: it was seen already.
        const position = positionOf(event);
        if (cursor !== undefined && comparePositions(position, cursor) <= 0) continue;
        cursor = position;
        if (!this.isExchangeEvent(event)) continue;
        if (partition && streamPartitionOf(event.streamId, partition.count) !== partition.index) continue;
        found.push(toStoredEvent(event));
        if (limit !== undefined && found.length >= limit) return found;
      }
      if (page.length < wanted) return found;
    }
  }

  private async roundTrip(): Promise<void> {
    const read = this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        read.cancel().catch(() => undefined);
        reject(new Error(`no answer within ${this.operationTimeoutMs} ms`));
      }, this.operationTimeoutMs);
    });
    try {
      await Promise.race([collect(read), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private isExchangeEvent(event: { readonly streamId: string; readonly type: string }): boolean {
    return isExchangeEvent(event.streamId, event.type, this.idIndexStreamPrefix);
  }

  private indexStreamOf(id: string): string {
    return `${this.idIndexStreamPrefix}${id}`;
  }
}

interface Settings {
  readonly operationTimeoutMs: number;
  readonly claimTimeoutMs: number;
  readonly claimPollIntervalMs: number;
  readonly readBatchSize: number;
  readonly idIndexStreamPrefix: string;
}

function settingsOf(options: EventStoreDbEventStoreOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError('EventStoreDbEventStore.open needs options');
  const operationTimeoutMs = positiveInteger(options.operationTimeoutMs ?? 10_000, 'operationTimeoutMs');
  const claimTimeoutMs = positiveInteger(options.claimTimeoutMs ?? 30_000, 'claimTimeoutMs');
  if (claimTimeoutMs <= 2 * operationTimeoutMs) {
    throw new RangeError(`claimTimeoutMs (${claimTimeoutMs}) must exceed twice operationTimeoutMs (${operationTimeoutMs})`);
  }
  const idIndexStreamPrefix = options.idIndexStreamPrefix ?? DEFAULT_ID_INDEX_STREAM_PREFIX;
  if (typeof idIndexStreamPrefix !== 'string' || idIndexStreamPrefix.length < 2) {
    throw new TypeError('idIndexStreamPrefix must be a string of at least two characters');
  }
  return {
    operationTimeoutMs,
    claimTimeoutMs,
    claimPollIntervalMs: positiveInteger(options.claimPollIntervalMs ?? 10, 'claimPollIntervalMs'),
    readBatchSize: positiveInteger(options.readBatchSize ?? 512, 'readBatchSize'),
    idIndexStreamPrefix,
  };
}

function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data as JSONType,
    metadata: event.metadata as JSONType,
  });
}

function requireEvent(resolved: ResolvedEvent, streamName: string): NonNullable<ResolvedEvent['event']> {
  if (!resolved.event) throw new Error(`a record of ${streamName} came without its event`);
  return resolved.event;
}

/** Errors after which the server certainly wrote nothing, so the claims can be released at once. */
function isDefinitelyNotWritten(error: unknown): boolean {
  return (
    error instanceof AccessDeniedError ||
    error instanceof StreamDeletedError ||
    error instanceof MaxAppendSizeExceededError ||
    error instanceof InvalidArgumentError
  );
}

async function collect<T>(read: StreamingRead<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Ends the client's streams and closes its gRPC channel (dispose() alone leaves the channel open). */
async function disposeClient(client: EventStoreDBClient): Promise<void> {
  await client.dispose().catch(() => undefined);
  try {
    const channel = await (client as unknown as { getChannel(): Promise<{ close(): void }> }).getChannel();
    channel.close();
  } catch {
    // Nothing was connected.
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
