/**
 * The event-id index of the EventStoreDB adapter (see README.md in this
 * folder): one small stream per event id, `<prefix><id>`, used as a
 * compare-and-set register through expected revisions. Its last record says
 * where the id stands:
 *
 *   (no stream)           the id is free
 *   $cmx-id-claimed       an append holding the id is under way (or died)
 *   $>  (a link)          the id is stored: the link points at the event
 *   $cmx-id-released      the id is free again (that append wrote nothing)
 *
 * Every record type starts with `$`, so the server-side system-event filter
 * and the client-side check keep them out of readAll and subscribe.
 */
import { binaryEvent, jsonEvent, type EventData, type ResolvedEvent } from '@eventstore/db-client';
import type { StoredEvent } from '../event-store.port';
import { toStoredEvent } from './eventstoredb-codec';

export const DEFAULT_ID_INDEX_STREAM_PREFIX = '$cmx-id-';
export const CLAIMED_EVENT_TYPE = '$cmx-id-claimed';
export const RELEASED_EVENT_TYPE = '$cmx-id-released';
/** EventStoreDB's link event type; its data is `<revision>@<stream>`. */
export const LINK_EVENT_TYPE = '$>';

export interface ClaimData {
  /** Unique per append call: tells the claims of two appends apart. */
  readonly owner: string;
  readonly streamName: string;
  /** The revision from which the event is in `streamName` if it was written (decimal). */
  readonly fromRevision: string;
  /** Informational only: waiters measure a claim's age with their own monotonic clock. */
  readonly claimedAt: string;
}

export type IndexState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'free'; readonly revision: bigint }
  | { readonly kind: 'claimed'; readonly revision: bigint; readonly claim: ClaimData }
  | { readonly kind: 'stored'; readonly revision: bigint; readonly event: StoredEvent };

export function claimEvent(claim: ClaimData): EventData {
  return jsonEvent({ type: CLAIMED_EVENT_TYPE, data: { ...claim } });
}

export function releaseEvent(owner: string): EventData {
  return jsonEvent({ type: RELEASED_EVENT_TYPE, data: { owner } });
}

/** A link to the event at `revision` of `streamName`, as EventStoreDB resolves them (`resolveLinkTos`). */
export function linkEvent(streamName: string, revision: bigint): EventData {
  return binaryEvent({ type: LINK_EVENT_TYPE, data: Buffer.from(`${revision}@${streamName}`, 'utf8') });
}

/** The state an index stream's last record (read with resolveLinkTos) stands for. */
export function interpretIndexRecord(resolved: ResolvedEvent): IndexState {
  if (resolved.link) {
    // A link: stored if its target still resolves, free if the target is gone.
    const revision = resolved.link.revision;
    return resolved.event ? { kind: 'stored', revision, event: toStoredEvent(resolved.event) } : { kind: 'free', revision };
  }
  const record = resolved.event;
  if (!record) return { kind: 'absent' };
  switch (record.type) {
    case CLAIMED_EVENT_TYPE:
      return { kind: 'claimed', revision: record.revision, claim: claimDataOf(record.data, record.streamId) };
    case RELEASED_EVENT_TYPE:
      return { kind: 'free', revision: record.revision };
    case LINK_EVENT_TYPE:
      // Only when read without resolveLinkTos, or a link the server could not read.
      return { kind: 'free', revision: record.revision };
    default:
      throw new Error(`id index stream ${record.streamId} holds an unexpected ${record.type} event`);
  }
}

function claimDataOf(data: unknown, streamId: string): ClaimData {
  const claim = data as Partial<ClaimData> | null;
  if (
    typeof claim !== 'object' ||
    claim === null ||
    typeof claim.owner !== 'string' ||
    typeof claim.streamName !== 'string' ||
    typeof claim.fromRevision !== 'string' ||
    !/^(0|[1-9][0-9]*)$/.test(claim.fromRevision)
  ) {
    throw new Error(`id index stream ${streamId} holds a malformed claim`);
  }
  return {
    owner: claim.owner,
    streamName: claim.streamName,
    fromRevision: claim.fromRevision,
    claimedAt: typeof claim.claimedAt === 'string' ? claim.claimedAt : '',
  };
}
