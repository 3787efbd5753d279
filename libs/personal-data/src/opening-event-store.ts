import type { EventHandler, EventStore, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, SubscribeOptions, Subscription } from '@cmx/event-store';
import type { PersonalDataVault } from './personal-data-vault';
import type { ReadingView } from './key-store.port';

/**
 * An event store whose reads open what case messages hold of persons, for one
 * view: the projectors read `public` (a restricted person is withheld from every
 * read model), the gateway `everything`. Events stored before encryption read as
 * they are, with what was erased or restricted since withheld. Appends pass through:
 * the gateway seals a message before it appends it.
 */
export class OpeningEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly vault: PersonalDataVault,
    private readonly view: ReadingView,
    /** Closed with the store: set when the store was opened with a key store of its own (the tools). */
    private readonly alsoClose?: { close(): Promise<void> },
  ) {}

  append(streamName: string, events: readonly NewEvent[], expectedVersion: number | 'any') {
    return this.inner.append(streamName, events, expectedVersion);
  }

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.vault.openEvents(await this.inner.readStream(streamName, options), this.view);
  }

  streamVersion(streamName: string): Promise<number> {
    return this.inner.streamVersion(streamName);
  }

  async findEvent(id: string): Promise<StoredEvent | undefined> {
    const event = await this.inner.findEvent(id);
    return event && (await this.vault.openEvents([event], this.view))[0];
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.vault.openEvents(await this.inner.readAll(options), this.view);
  }

  headPosition(): Promise<string | undefined> {
    return this.inner.headPosition();
  }

  subscribe(handler: EventHandler, options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(async (event) => handler((await this.vault.openEvents([event], this.view))[0]), options);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  async close(): Promise<void> {
    await this.inner.close();
    await this.alsoClose?.close();
  }
}
