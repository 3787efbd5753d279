/// <reference types="jest" />
// The reference keeps this file compiling under tsconfig.build.json (types: node only), which reaches it through conformance/index.ts.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AppendResult, EventStore, NewEvent, StoredEvent, Subscription } from '../event-store.port';

export interface AppenderProcessOptions {
  /** Streams that do not exist yet; the process appends to each of them sequentially, with expected versions. */
  readonly streamNames: readonly string[];
}

export interface EventStoreHarness {
  /**
   * Opens a connection to the store under test. Every call reaches the same
   * data (the same file, the same database), so closing one store and opening
   * another is a reopen. The store need not be empty: every test writes to
   * streams of its own and only looks at those, or at positions after its own
   * start.
   */
  open(): Promise<EventStore>;
  /**
   * Starts a separate OS process on the same data that appends to all
   * `streamNames` concurrently (each one sequentially, with its expected
   * version, some appends carrying several events) until it is killed, and
   * writes the id of every acknowledged event to stdout, one per line. The
   * suite kills it with SIGKILL. Leave out when the engine cannot run one;
   * the crash test is then not defined.
   */
  startAppenderProcess?(options: AppenderProcessOptions): ChildProcess;
}

/**
 * The behaviour every EventStore adapter must show, as a jest suite. Call it
 * at the top level of an adapter's *.int-spec.ts.
 */
export function describeEventStoreConformance(adapterName: string, harness: EventStoreHarness): void {
  describe(`EventStore conformance: ${adapterName}`, () => {
    // Waits for the global log to show an append end when it does, normally within milliseconds. On PostgreSQL
    // any write transaction of the cluster holds the log back until it ends: a CI run on a machine busy with an
    // npm install saw it held for more than 4 s, beyond jest's default 5 s per test.
    jest.setTimeout(30_000);
    const runId = randomUUID().slice(0, 8);
    let streamCounter = 0;
    const openStores = new Set<EventStore>();
    let store: EventStore;

    /** A stream name no other test (or earlier run against the same server) uses. */
    const newStreamName = (label: string): string => `case-conformance-${runId}-${label}-${++streamCounter}`;

    async function openStore(): Promise<EventStore> {
      const opened = await harness.open();
      openStores.add(opened);
      return opened;
    }

    async function closeStore(closing: EventStore): Promise<void> {
      openStores.delete(closing);
      await closing.close();
    }

    beforeEach(async () => {
      store = await openStore();
    });

    afterEach(async () => {
      const stillOpen = [...openStores];
      openStores.clear();
      await Promise.all(stillOpen.map((opened) => opened.close()));
    });

    describe('append and versions', () => {
      it('appends to a new stream with expectedVersion 0: versions 1..n, strictly increasing positions, content as given', async () => {
        const streamName = newStreamName('new');
        const events = [newEvent({ n: 1 }), newEvent({ n: 2 }, 'OtherEventRecorded'), newEvent({ n: 3 })];

        const result = await store.append(streamName, events, 0);

        const stored = expectAppended(result);
        expect(result).toMatchObject({ nextExpectedVersion: 3 });
        expect(stored.map((event) => event.streamVersion)).toEqual([1, 2, 3]);
        expectStrictlyIncreasingPositions(stored);
        stored.forEach((event, index) => {
          expect(event).toEqual({
            ...events[index],
            streamName,
            streamVersion: index + 1,
            position: expect.stringMatching(/^(0|[1-9][0-9]*)$/),
            recordedAt: expect.any(String),
          });
          expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
        });
        expect(await store.readStream(streamName)).toEqual(stored);
        expect(await store.streamVersion(streamName)).toBe(3);
      });

      it('expectedVersion 0 on an existing stream is a version_conflict carrying the actual version, and writes nothing', async () => {
        const streamName = newStreamName('exists');
        await store.append(streamName, [newEvent(), newEvent()], 0);
        const rejected = newEvent();

        expect(await store.append(streamName, [rejected], 0)).toEqual({ outcome: 'version_conflict', actualVersion: 2 });

        expect(await store.streamVersion(streamName)).toBe(2);
        expect(await store.findEvent(rejected.id)).toBeUndefined();
      });

      it('a stale or ahead numeric expectedVersion conflicts; the current version appends', async () => {
        const streamName = newStreamName('stale');
        await store.append(streamName, [newEvent(), newEvent()], 0);

        expect(await store.append(streamName, [newEvent()], 1)).toEqual({ outcome: 'version_conflict', actualVersion: 2 });
        expect(await store.append(streamName, [newEvent()], 5)).toEqual({ outcome: 'version_conflict', actualVersion: 2 });
        const appended = expectAppended(await store.append(streamName, [newEvent()], 2));

        expect(appended.map((event) => event.streamVersion)).toEqual([3]);
        expect(await store.streamVersion(streamName)).toBe(3);
      });

      it('a numeric expectedVersion above 0 on a missing stream conflicts with actualVersion 0', async () => {
        const streamName = newStreamName('missing');

        expect(await store.append(streamName, [newEvent()], 1)).toEqual({ outcome: 'version_conflict', actualVersion: 0 });
        expect(await store.streamVersion(streamName)).toBe(0);
      });

      it("'any' appends to a missing stream and to an existing one", async () => {
        const streamName = newStreamName('any');

        const first = await store.append(streamName, [newEvent()], 'any');
        const second = await store.append(streamName, [newEvent(), newEvent()], 'any');

        expect(expectAppended(first).map((event) => event.streamVersion)).toEqual([1]);
        expect(expectAppended(second).map((event) => event.streamVersion)).toEqual([2, 3]);
        expect(second).toMatchObject({ nextExpectedVersion: 3 });
      });

      it('keeps the events of each multi-event append contiguous in their stream while other appends run concurrently', async () => {
        const streamName = newStreamName('multi');
        const otherStreamName = newStreamName('multi-other');
        const eventsPerAppend = 4;

        const results = await Promise.all(
          Array.from({ length: 6 }, (_, appendIndex) =>
            Promise.all([
              store.append(
                streamName,
                Array.from({ length: eventsPerAppend }, (__, index) => newEvent({ appendIndex, index })),
                'any',
              ),
              store.append(otherStreamName, [newEvent({ appendIndex })], 'any'),
            ]),
          ),
        );

        const stream = await store.readStream(streamName);
        expect(stream.map((event) => event.streamVersion)).toEqual(range(1, 6 * eventsPerAppend));
        expectStrictlyIncreasingPositions(stream);
        for (const [multiEventResult] of results) {
          const appended = expectAppended(multiEventResult);
          const firstVersion = appended[0].streamVersion;
          expect(appended.map((event) => event.streamVersion)).toEqual(range(firstVersion, firstVersion + eventsPerAppend - 1));
          expect(stream.slice(firstVersion - 1, firstVersion - 1 + eventsPerAppend)).toEqual(appended);
        }
        expect(await store.streamVersion(otherStreamName)).toBe(6);
      });

      it('rejects a multi-event append whose later event id is already stored, and writes none of its events', async () => {
        const occupiedStream = newStreamName('occupied');
        const [occupying] = expectAppended(await store.append(occupiedStream, [newEvent()], 0));
        const streamName = newStreamName('collision');
        const firstEvent = newEvent();
        const lastEvent = newEvent();

        await expect(store.append(streamName, [firstEvent, newEvent({ reused: true }, 'Reused', occupying.id), lastEvent], 0)).rejects.toThrow();

        expect(await store.streamVersion(streamName)).toBe(0);
        expect(await store.findEvent(firstEvent.id)).toBeUndefined();
        expect(await store.findEvent(lastEvent.id)).toBeUndefined();
        expect(await store.findEvent(occupying.id)).toEqual(occupying);
      });
    });

    describe('idempotency by event id', () => {
      it('an append whose first event id is stored returns duplicate with the stored event and writes nothing, even with a stale expectedVersion', async () => {
        const streamName = newStreamName('retry');
        const original = newEvent({ attempt: 1 });
        const [stored] = expectAppended(await store.append(streamName, [original], 0));
        const headBeforeRetry = await headPositionOnceVisible(store, stored.position);

        const retry = await store.append(streamName, [{ ...original, data: { attempt: 2 } }], 0);

        expect(retry).toEqual({ outcome: 'duplicate', existing: stored });
        expect(await store.readStream(streamName)).toEqual([stored]);
        expect(await store.streamVersion(streamName)).toBe(1);
        expect(await readAllOfStreams(store, headBeforeRetry, [streamName])).toEqual([]);
      });

      it('detects duplicates across streams: the other stream stays empty', async () => {
        const streamName = newStreamName('original');
        const otherStreamName = newStreamName('elsewhere');
        const [stored] = expectAppended(await store.append(streamName, [newEvent()], 0));

        const result = await store.append(otherStreamName, [{ ...stored, data: {} }], 0);

        expect(result).toEqual({ outcome: 'duplicate', existing: stored });
        expect(await store.streamVersion(otherStreamName)).toBe(0);
        expect(await store.readStream(otherStreamName)).toEqual([]);
      });

      it('a multi-event append whose first event id is stored writes none of its other events', async () => {
        const streamName = newStreamName('retry-multi');
        const [stored] = expectAppended(await store.append(streamName, [newEvent()], 0));
        const laterEvents = [newEvent(), newEvent()];
        const headBeforeRetry = await headPositionOnceVisible(store, stored.position);

        const result = await store.append(streamName, [stored, ...laterEvents], 'any');

        expect(result).toEqual({ outcome: 'duplicate', existing: stored });
        for (const event of laterEvents) expect(await store.findEvent(event.id)).toBeUndefined();
        expect(await readAllOfStreams(store, headBeforeRetry, [streamName])).toEqual([]);
      });

      it('concurrent appends of the same event store it once; the others get duplicate', async () => {
        const streamName = newStreamName('same-id');
        const event = newEvent();

        const results = await Promise.all(Array.from({ length: 5 }, () => store.append(streamName, [event], 'any')));

        const appended = results.filter((result) => result.outcome === 'appended');
        expect(appended).toHaveLength(1);
        const [stored] = expectAppended(appended[0]);
        expect(results.filter((result) => result.outcome === 'duplicate')).toEqual(
          Array.from({ length: 4 }, () => ({ outcome: 'duplicate', existing: stored })),
        );
        expect(await store.readStream(streamName)).toEqual([stored]);
      });
    });

    describe('reading', () => {
      it('readStream pages by afterVersion and limit', async () => {
        const streamName = newStreamName('paging');
        const stored = expectAppended(
          await store.append(
            streamName,
            Array.from({ length: 10 }, (_, index) => newEvent({ index })),
            0,
          ),
        );

        expect(await store.readStream(streamName, { afterVersion: 3, limit: 4 })).toEqual(stored.slice(3, 7));
        expect(await store.readStream(streamName, { afterVersion: 7 })).toEqual(stored.slice(7));
        expect(await store.readStream(streamName, { limit: 2 })).toEqual(stored.slice(0, 2));
        expect(await store.readStream(streamName, { afterVersion: 8, limit: 50 })).toEqual(stored.slice(8));
        expect(await store.readStream(streamName, { afterVersion: 10 })).toEqual([]);
      });

      it('a missing stream reads as empty with version 0', async () => {
        const streamName = newStreamName('never-written');

        expect(await store.readStream(streamName)).toEqual([]);
        expect(await store.streamVersion(streamName)).toBe(0);
      });

      it('readAll pages after a position in global order, never past its limit', async () => {
        const streamNames = [newStreamName('all-a'), newStreamName('all-b'), newStreamName('all-c')];
        const start = await store.headPosition();
        const written: StoredEvent[] = [];
        for (let round = 0; round < 4; round++) {
          for (const streamName of streamNames) {
            written.push(...expectAppended(await store.append(streamName, [newEvent({ round })], round)));
          }
        }
        await headPositionOnceVisible(
          store,
          written.reduce((high, event) => maxPosition(high, event.position), '0'),
        );

        const pages: StoredEvent[][] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll({ after, limit: 5 });
          if (page.length === 0) break;
          pages.push(page);
          after = page[page.length - 1].position;
        }

        expect(pages[0]).toHaveLength(5);
        for (const page of pages) expect(page.length).toBeLessThanOrEqual(5);
        const everything = pages.flat();
        expectStrictlyIncreasingPositions(everything);
        if (start !== undefined) expect(BigInt(everything[0].position)).toBeGreaterThan(BigInt(start));
        expect(everything.filter((event) => streamNames.includes(event.streamName))).toEqual(written);
      });

      it('readAll of a partition: whole streams in position order, the parts disjoint and together the log, paged by after and limit within the part', async () => {
        const streamNames = Array.from({ length: 12 }, (_, index) => newStreamName(`part-${index}`));
        const start = await store.headPosition();
        const written: StoredEvent[] = [];
        for (let round = 0; round < 3; round++) {
          for (const streamName of streamNames) written.push(...expectAppended(await store.append(streamName, [newEvent({ round })], round)));
        }
        await headPositionOnceVisible(
          store,
          written.reduce((high, event) => maxPosition(high, event.position), '0'),
        );

        const count = 3;
        const parts: StoredEvent[][] = [];
        for (let index = 0; index < count; index++) {
          const part: StoredEvent[] = [];
          for (let after = start; ;) {
            const page = await store.readAll({ after, limit: 4, partition: { index, count } });
            expect(page.length).toBeLessThanOrEqual(4);
            if (page.length === 0) break;
            part.push(...page);
            after = page[page.length - 1].position;
          }
          expectStrictlyIncreasingPositions(part);
          parts.push(part.filter((event) => streamNames.includes(event.streamName)));
        }

        const partOf = new Map<string, number>();
        for (const [index, part] of parts.entries()) {
          for (const event of part) {
            expect(partOf.get(event.streamName) ?? index).toBe(index);
            partOf.set(event.streamName, index);
          }
        }
        for (const [index, part] of parts.entries()) {
          expect(part).toEqual(written.filter((event) => partOf.get(event.streamName) === index));
        }
        expect(parts.flat().sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1))).toEqual(written);
        expect(parts.filter((part) => part.length > 0).length).toBeGreaterThan(1);
        expect(await store.readAll({ after: start, partition: { index: 0, count: 1 } })).toEqual(await store.readAll({ after: start }));
      });

      it('readAll refuses a partition that is not one of count parts', async () => {
        for (const partition of [
          { index: 0, count: 0 },
          { index: 2, count: 2 },
          { index: -1, count: 2 },
          { index: 0.5, count: 2 },
        ]) {
          await expect(store.readAll({ partition })).rejects.toThrow(/partition/);
        }
      });

      it('headPosition is the position of the last committed event', async () => {
        const streamName = newStreamName('head');
        const stored = expectAppended(await store.append(streamName, [newEvent(), newEvent()], 0));
        const lastWritten = stored[stored.length - 1].position;

        const head = await headPositionOnceVisible(store, lastWritten);

        const committedSince = await store.readAll({ after: lastWritten });
        expect(head).toBe(committedSince.length === 0 ? lastWritten : committedSince[committedSince.length - 1].position);
        expect(await store.readAll({ after: head })).toEqual([]);
      });

      it('findEvent returns the stored event by id, undefined for an unknown id', async () => {
        const streamName = newStreamName('find');
        const stored = expectAppended(await store.append(streamName, [newEvent(), newEvent()], 0));

        expect(await store.findEvent(stored[1].id)).toEqual(stored[1]);
        expect(await store.findEvent(randomUUID())).toBeUndefined();
      });

      it('round-trips nested JSON data and metadata', async () => {
        const streamName = newStreamName('json');
        const event: NewEvent = {
          id: randomUUID(),
          type: 'JsonShapesRecorded',
          data: { text: 'Ünïcødé ✓ "quoted"\n', list: [1, 'two', null, true, { deep: [2.5] }], empty: {}, zero: 0 },
          metadata: { correlationId: randomUUID(), nested: { flag: false } },
        };

        await store.append(streamName, [event], 0);

        expect(await store.findEvent(event.id)).toMatchObject({ data: event.data, metadata: event.metadata });
      });
    });

    describe('concurrency', () => {
      it('20 streams x 25 appends, streams interleaved: every stream holds versions 1..25 in order and global order agrees', async () => {
        const streamNames = Array.from({ length: 20 }, (_, index) => newStreamName(`concurrent-${index}`));
        const start = await store.headPosition();

        const results = await Promise.all(
          streamNames.map(async (streamName) => {
            const outcomes: AppendResult[] = [];
            for (let version = 0; version < 25; version++) {
              outcomes.push(await store.append(streamName, [newEvent({ version: version + 1 })], version));
            }
            return outcomes;
          }),
        );

        for (const result of results.flat()) expect(result.outcome).toBe('appended');
        await headPositionOnceVisible(
          store,
          results
            .flat()
            .flatMap(expectAppended)
            .reduce((high, event) => maxPosition(high, event.position), '0'),
        );
        const global = await readAllOfStreams(store, start, streamNames);
        expect(global).toHaveLength(500);
        expectStrictlyIncreasingPositions(global);
        for (const streamName of streamNames) {
          const stream = await store.readStream(streamName);
          expect(stream.map((event) => event.streamVersion)).toEqual(range(1, 25));
          expect(stream.map((event) => event.data)).toEqual(range(1, 25).map((version) => ({ version })));
          expect(global.filter((event) => event.streamName === streamName)).toEqual(stream);
        }
      });

      it('of 10 concurrent appends with the same expectedVersion exactly one is appended, the others conflict', async () => {
        const streamName = newStreamName('race');
        await store.append(streamName, [newEvent(), newEvent()], 0);
        const contenders = Array.from({ length: 10 }, (_, index) => newEvent({ contender: index }));

        const results = await Promise.all(contenders.map((event) => store.append(streamName, [event], 2)));

        const winners = results.filter((result) => result.outcome === 'appended');
        expect(winners).toHaveLength(1);
        expect(results.filter((result) => result.outcome === 'version_conflict')).toEqual(
          Array.from({ length: 9 }, () => ({ outcome: 'version_conflict', actualVersion: 3 })),
        );
        const stream = await store.readStream(streamName);
        expect(stream).toHaveLength(3);
        expect(stream[2]).toEqual(expectAppended(winners[0])[0]);
      });
    });

    describe('subscriptions', () => {
      it('a subscriber from the beginning, started while writers append, receives every event once, in position order', async () => {
        const streamNames = Array.from({ length: 5 }, (_, index) => newStreamName(`subscribed-${index}`));
        const writing = appendSequentially(store, streamNames, 20);
        const recorder = new DeliveryRecorder();

        const subscription = store.subscribe(recorder.handler, { batchSize: 7 });
        await writing;
        const head = await store.headPosition();
        await recorder.waitUntilDelivered(subscription, head!);
        await subscription.stop();

        const upToHead = (event: StoredEvent): boolean => BigInt(event.position) <= BigInt(head!);
        expect(recorder.delivered.filter(upToHead)).toEqual((await store.readAll()).filter(upToHead));
        expectStrictlyIncreasingPositions(recorder.delivered);
        await expect(subscription.closed).resolves.toBeUndefined();
      });

      it('a subscriber started after a position receives only the events after it, then follows new commits', async () => {
        const streamName = newStreamName('after');
        const stored = expectAppended(await store.append(streamName, [newEvent(), newEvent(), newEvent()], 0));
        const recorder = new DeliveryRecorder();

        const subscription = store.subscribe(recorder.handler, { after: stored[1].position });
        await recorder.waitUntilDelivered(subscription, stored[2].position);
        const [live] = expectAppended(await store.append(streamName, [newEvent({ live: true })], 3));
        await recorder.waitUntilDelivered(subscription, live.position);
        await subscription.stop();

        const delivered = recorder.delivered.filter((event) => event.streamName === streamName);
        expect(delivered).toEqual([stored[2], live]);
        for (const event of recorder.delivered) expect(BigInt(event.position)).toBeGreaterThan(BigInt(stored[1].position));
      });

      it('resubscribing from the last handled position continues with no gap and no repeat; a stopped subscriber gets nothing more', async () => {
        const streamName = newStreamName('resume');
        const start = await store.headPosition();
        await appendSequentially(store, [streamName], 10);
        const firstRecorder = new DeliveryRecorder();
        const firstSubscription = store.subscribe(firstRecorder.handler, { after: start, batchSize: 3 });
        await firstRecorder.waitUntil(firstSubscription, (delivered) => delivered.length >= 4);

        await firstSubscription.stop();
        const deliveredBeforeStop = firstRecorder.delivered.length;
        const lastHandled = firstRecorder.delivered[deliveredBeforeStop - 1].position;
        const secondRecorder = new DeliveryRecorder();
        const secondSubscription = store.subscribe(secondRecorder.handler, { after: lastHandled, batchSize: 3 });
        const more = await appendSequentially(store, [streamName], 5, 10);
        await secondRecorder.waitUntilDelivered(secondSubscription, more[more.length - 1].position);
        await secondSubscription.stop();

        const ofStream = (event: StoredEvent): boolean => event.streamName === streamName;
        expect(firstRecorder.delivered).toHaveLength(deliveredBeforeStop);
        expect([...firstRecorder.delivered, ...secondRecorder.delivered].filter(ofStream)).toEqual(await store.readStream(streamName));
        expect(await store.streamVersion(streamName)).toBe(15);
      });

      it('a handler that throws rejects closed with its error and is not called again', async () => {
        const streamName = newStreamName('throws');
        const start = await store.headPosition();
        await store.append(streamName, [newEvent(), newEvent()], 0);
        const failure = new Error('handler failed');
        const handled: StoredEvent[] = [];

        const subscription = store.subscribe(
          (event) => {
            handled.push(event);
            throw failure;
          },
          { after: start },
        );

        await expect(subscription.closed).rejects.toBe(failure);
        await expect(subscription.stop()).resolves.toBeUndefined();
        const witness = new DeliveryRecorder();
        const witnessSubscription = store.subscribe(witness.handler, { after: start });
        const [later] = expectAppended(await store.append(streamName, [newEvent()], 2));
        await witness.waitUntilDelivered(witnessSubscription, later.position);
        await witnessSubscription.stop();
        expect(handled).toHaveLength(1);
      });

      it('stop() resolves only once the running handler call has settled, and nothing is delivered after it', async () => {
        const streamName = newStreamName('stop-waits');
        const start = await store.headPosition();
        await store.append(streamName, [newEvent(), newEvent()], 0);
        const handlerEntered = deferred();
        const releaseHandler = deferred();
        const handled: StoredEvent[] = [];
        const subscription = store.subscribe(
          async (event) => {
            handled.push(event);
            handlerEntered.resolve();
            await releaseHandler.promise;
          },
          { after: start },
        );
        await handlerEntered.promise;

        let stopped = false;
        const stopping = subscription.stop().then(() => {
          stopped = true;
        });
        await new Promise((resolve) => setImmediate(resolve));
        const stoppedWhileHandlerRan = stopped;
        releaseHandler.resolve();
        await stopping;

        expect(stoppedWhileHandlerRan).toBe(false);
        expect(handled).toHaveLength(1);
        await expect(subscription.closed).resolves.toBeUndefined();
      });

      it('close() ends the subscriptions of the store', async () => {
        const subscription = store.subscribe(() => undefined, { after: await store.headPosition() });

        await closeStore(store);

        await expect(subscription.closed).resolves.toBeUndefined();
      });
    });

    describe('durability', () => {
      it('events acknowledged before close() are all there after reopening, and appends continue after them', async () => {
        const streamNames = [newStreamName('reopen-a'), newStreamName('reopen-b')];
        const written = new Map<string, StoredEvent[]>(streamNames.map((streamName) => [streamName, []]));
        for (let round = 0; round < 3; round++) {
          for (const streamName of streamNames) {
            const stream = written.get(streamName)!;
            const events = round === 1 ? [newEvent({ round }), newEvent({ round })] : [newEvent({ round })];
            stream.push(...expectAppended(await store.append(streamName, events, stream.length)));
          }
        }
        const highestWritten = [...written.values()].flat().reduce((high, event) => maxPosition(high, event.position), '0');

        await closeStore(store);
        store = await openStore();

        for (const [streamName, events] of written) {
          expect(await store.readStream(streamName)).toEqual(events);
          expect(await store.streamVersion(streamName)).toBe(4);
        }
        const [continued] = expectAppended(await store.append(streamNames[0], [newEvent()], 4));
        expect(continued.streamVersion).toBe(5);
        expect(BigInt(continued.position)).toBeGreaterThan(BigInt(highestWritten));
        expect(await store.append(streamNames[1], [newEvent()], 3)).toEqual({ outcome: 'version_conflict', actualVersion: 4 });
      });

      it('close() waits for appends already in flight, and they are there after reopening', async () => {
        const streamNames = Array.from({ length: 10 }, (_, index) => newStreamName(`in-flight-${index}`));
        const inFlight = streamNames.map((streamName) => store.append(streamName, [newEvent(), newEvent()], 0));

        await closeStore(store);
        const results = await Promise.all(inFlight);
        store = await openStore();

        for (const [index, streamName] of streamNames.entries()) {
          expect(await store.readStream(streamName)).toEqual(expectAppended(results[index]));
        }
      });

      it('a closed store rejects appends', async () => {
        const closed = store;
        await closeStore(closed);

        await expect(closed.append(newStreamName('after-close'), [newEvent()], 0)).rejects.toThrow();
      });

      it('ping() answers while the store is open', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      const { startAppenderProcess } = harness;
      if (startAppenderProcess) {
        it('every event acknowledged by a process killed with SIGKILL mid-run is there after reopening', async () => {
          const streamNames = Array.from({ length: 4 }, (_, index) => newStreamName(`crash-${index}`));
          const acknowledgedBeforeKill = 300;
          const appender = startAppenderProcess({ streamNames });
          try {
            const { acknowledged, signal, stderr } = await killAfterAcknowledgements(appender, acknowledgedBeforeKill);
            if (signal !== 'SIGKILL') throw new Error(`the appender process ended before it was killed: ${stderr}`);
            expect(acknowledged.length).toBeGreaterThanOrEqual(acknowledgedBeforeKill);

            await closeStore(store);
            store = await openStore();

            const missing: string[] = [];
            for (const id of acknowledged) if ((await store.findEvent(id)) === undefined) missing.push(id);
            expect(missing).toEqual([]);
            let storedCount = 0;
            for (const streamName of streamNames) {
              const stream = await store.readStream(streamName);
              storedCount += stream.length;
              expect(stream.map((event) => event.streamVersion)).toEqual(range(1, stream.length));
              expect(expectAppended(await store.append(streamName, [newEvent()], stream.length))[0].streamVersion).toBe(stream.length + 1);
            }
            expect(storedCount).toBeGreaterThanOrEqual(acknowledged.length);
          } finally {
            if (appender.exitCode === null && appender.signalCode === null) appender.kill('SIGKILL');
          }
        }, 60_000);
      }
    });
  });
}

function newEvent(data: Record<string, unknown> = {}, type = 'ConformanceEventRecorded', id: string = randomUUID()): NewEvent {
  return { id, type, data, metadata: { correlationId: randomUUID(), source: 'conformance' } };
}

function expectAppended(result: AppendResult): readonly StoredEvent[] {
  if (result.outcome !== 'appended') throw new Error(`expected the append to succeed, got ${JSON.stringify(result)}`);
  return result.events;
}

function expectStrictlyIncreasingPositions(events: readonly StoredEvent[]): void {
  for (let index = 1; index < events.length; index++) {
    expect(BigInt(events[index].position)).toBeGreaterThan(BigInt(events[index - 1].position));
  }
}

function maxPosition(left: string, right: string): string {
  return BigInt(left) >= BigInt(right) ? left : right;
}

function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => first + index);
}

/**
 * The head position once it has reached `position`. A store's global log may
 * show an acknowledged append a moment later, never out of order (PostgreSQL
 * shows it once every transaction of the cluster that began writing before it
 * has ended).
 */
async function headPositionOnceVisible(store: EventStore, position: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const head = await store.headPosition();
    if (head !== undefined && BigInt(head) >= BigInt(position)) return head;
    if (Date.now() > deadline) throw new Error(`the global log did not reach position ${position} within 20 s (head: ${head})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every event after `after` (the start when undefined) that belongs to one of `streamNames`, in global order. */
async function readAllOfStreams(store: EventStore, after: string | undefined, streamNames: readonly string[]): Promise<StoredEvent[]> {
  const wanted = new Set(streamNames);
  const found: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after, limit: 200 });
    if (page.length === 0) return found;
    found.push(...page.filter((event) => wanted.has(event.streamName)));
    after = page[page.length - 1].position;
  }
}

/** Appends `count` single-event appends to each stream, each stream sequentially with expected versions, streams concurrently. */
async function appendSequentially(store: EventStore, streamNames: readonly string[], count: number, startVersion = 0): Promise<StoredEvent[]> {
  const perStream = await Promise.all(
    streamNames.map(async (streamName) => {
      const stored: StoredEvent[] = [];
      for (let version = startVersion; version < startVersion + count; version++) {
        stored.push(...expectAppended(await store.append(streamName, [newEvent({ version: version + 1 })], version)));
      }
      return stored;
    }),
  );
  return perStream.flat().sort((left, right) => (BigInt(left.position) < BigInt(right.position) ? -1 : 1));
}

class DeliveryRecorder {
  readonly delivered: StoredEvent[] = [];
  private readonly waiters = new Set<() => void>();

  readonly handler = (event: StoredEvent): void => {
    this.delivered.push(event);
    for (const check of [...this.waiters]) check();
  };

  /** Resolves once `condition` holds for the delivered events; rejects if the subscription ends first. */
  waitUntil(subscription: Subscription, condition: (delivered: readonly StoredEvent[]) => boolean): Promise<void> {
    const reached = new Promise<void>((resolve) => {
      const check = (): void => {
        if (!condition(this.delivered)) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
    const ended = subscription.closed.then(() => {
      throw new Error(`the subscription ended after ${this.delivered.length} events, before the awaited delivery`);
    });
    return Promise.race([reached, ended]);
  }

  waitUntilDelivered(subscription: Subscription, position: string): Promise<void> {
    return this.waitUntil(subscription, (delivered) => delivered.some((event) => BigInt(event.position) >= BigInt(position)));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

async function killAfterAcknowledgements(
  child: ChildProcess,
  acknowledgementsBeforeKill: number,
): Promise<{ acknowledged: string[]; signal: NodeJS.Signals | null; stderr: string }> {
  const acknowledged: string[] = [];
  let unfinishedLine = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (unfinishedLine + chunk).split('\n');
    unfinishedLine = lines.pop()!;
    acknowledged.push(...lines.filter((line) => line.length > 0));
    if (acknowledged.length >= acknowledgementsBeforeKill && !child.killed) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (_code, closeSignal) => resolve(closeSignal));
  });
  return { acknowledged, signal, stderr };
}
