import {
  isCaseEventType,
  PROTECTION_KIND_BY_EVENT_TYPE,
  type CaseMessageData,
  type CaseMessageMetadata,
  type CaseProtectionData,
  type CaseProtectionEventType,
} from '@cmx/case-domain';
import type { JsonObject, StoredEvent } from '@cmx/event-store';
import type { DataKey } from './data-key-cipher';
import { keyAccess, type CaseKeys, type KeyStore, type ProtectionChange, type ReadingView } from './key-store.port';
import { CASE_TEXT_KEY, openBody, refsToSeal, sealBody } from './seal-body';

export const PERSONAL_DATA_VAULT = Symbol('PERSONAL_DATA_VAULT');

/** A body of a case, as the feed and the channels carry it. */
export interface CaseBody {
  readonly caseId: string;
  readonly body: unknown;
}

/**
 * Seals what a case message holds of persons before it is stored, and opens it
 * for each reader: the one place where data keys are used. With sealing off
 * (PERSONAL_DATA_ENCRYPTION=off, for benchmarks) new messages are stored as
 * they came; what is sealed still opens.
 */
export class PersonalDataVault {
  constructor(
    readonly keys: KeyStore,
    readonly sealing: boolean = true,
  ) {}

  async seal(data: CaseMessageData, owner: string): Promise<CaseMessageData> {
    if (!this.sealing) return data;
    const { caseId } = data.message.header;
    const refs = refsToSeal(data.message.body, data.documentHolders);
    if (refs.length === 0) return data;
    const keys = await this.keys.provide(caseId, owner, refs);
    const body = sealBody(caseId, data.message.body, (ref) => keys.get(ref) as DataKey, data.documentHolders);
    return { ...data, message: { ...data.message, body } as CaseMessageData['message'] };
  }

  /** The keys of the cases of these events, in one read. */
  async caseKeysOf(caseIds: Iterable<string>): Promise<ReadonlyMap<string, CaseKeys>> {
    const ids = [...new Set(caseIds)];
    return ids.length === 0 ? new Map() : this.keys.keysOf(ids);
  }

  /** Each case message event with its body opened for the view; other events as they are. */
  async openEvents(events: readonly StoredEvent[], view: ReadingView): Promise<StoredEvent[]> {
    const caseIds = events.filter((event) => isCaseEventType(event.type)).map((event) => caseIdOf(event));
    if (caseIds.length === 0) return [...events];
    const keys = await this.caseKeysOf(caseIds);
    return events.map((event) => (isCaseEventType(event.type) ? openEvent(event, keys.get(caseIdOf(event)), view) : event));
  }

  /** Each body opened for its reader: `readerOf(index)`. */
  async openBodies<Item extends CaseBody>(items: readonly Item[], readerOf: (item: Item) => ReadingView): Promise<Item[]> {
    if (items.length === 0) return [];
    const keys = await this.caseKeysOf(items.map((item) => item.caseId));
    return items.map((item) => {
      const body = openBody(item.caseId, item.body, keyAccess(keys.get(item.caseId), readerOf(item)));
      return body === item.body ? item : { ...item, body };
    });
  }

  protect(caseId: string, change: ProtectionChange): Promise<void> {
    return this.keys.protect(caseId, change);
  }

  /** Applies a stored protection event to the keys: every process that meets one does, in case the process that appended it stopped before. */
  applyProtection(event: StoredEvent): Promise<void> {
    const { caseId, change } = protectionChangeOf(event);
    return this.keys.protect(caseId, change);
  }
}

const caseIdOf = (event: StoredEvent): string => (event.data as unknown as CaseMessageData).message.header.caseId;

export function openEvent(event: StoredEvent, caseKeys: CaseKeys | undefined, view: ReadingView): StoredEvent {
  const data = event.data as unknown as CaseMessageData;
  const { caseId } = data.message.header;
  const body = openBody(caseId, data.message.body, keyAccess(caseKeys, view));
  if (body === data.message.body) return event;
  return { ...event, data: { ...data, message: { ...data.message, body } } as unknown as JsonObject };
}

/** What a case.erased, case.restricted or case.restriction_lifted event changes of the keys. */
export function protectionChangeOf(event: StoredEvent): { readonly caseId: string; readonly change: ProtectionChange } {
  const data = event.data as unknown as CaseProtectionData;
  return {
    caseId: (event.metadata as unknown as CaseMessageMetadata).caseId,
    change: {
      version: event.streamVersion,
      owner: data.owner,
      kind: PROTECTION_KIND_BY_EVENT_TYPE[event.type as CaseProtectionEventType],
      // A whole-case restriction names every person and the case's text: a person stored before encryption has no key row to mark otherwise.
      refs: !data.wholeCase ? (data.personRefs ?? []) : event.type === 'CaseErased' ? 'wholeCase' : [...(data.personRefs ?? []), CASE_TEXT_KEY],
    },
  };
}
