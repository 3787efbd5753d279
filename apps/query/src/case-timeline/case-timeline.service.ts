import { Inject, Injectable } from '@nestjs/common';
import {
  anyTimelineEntryOf,
  CaseMessageData,
  CaseMessageMetadata,
  CaseNotFound,
  caseStreamName,
  isEntitled,
  ProtectionTimelineEntry,
  TimelineEntry,
} from '@cmx/case-domain';
import { DELIVERY_LEDGER, DeliveryLedger, Recipient } from '@cmx/delivery';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { PERSONAL_DATA_VAULT, PersonalDataVault } from '@cmx/personal-data';

/** On the caller's own messages only: who received it, by which channel, and who acknowledged it. */
export type CaseTimelineEntry = (TimelineEntry | ProtectionTimelineEntry) & { readonly recipients?: readonly Recipient[] };

export interface CaseTimeline {
  readonly caseId: string;
  readonly version: number;
  readonly entries: readonly CaseTimelineEntry[];
  /** Pass as afterVersion for the next page; null when this page reaches the end. */
  readonly nextAfterVersion: number | null;
}

export interface TimelinePage {
  readonly afterVersion: number;
  readonly limit: number;
}

@Injectable()
export class CaseTimelineService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DELIVERY_LEDGER) private readonly ledger: DeliveryLedger,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  /**
   * The messages of a case the party is entitled to, with what they hold of persons opened for it (erased persons,
   * and restricted ones unless it owns the case, as placeholders), and the case's erasures and restrictions.
   * A party entitled to none learns only that there is nothing for it.
   */
  async timeline(caseId: string, party: string, page: TimelinePage): Promise<CaseTimeline> {
    const events = await this.store.readStream(caseStreamName(caseId));
    const visible = events.filter((event) => isEntitled(event.data as unknown as CaseMessageData, party));
    if (visible.length === 0) throw new CaseNotFound(caseId);

    const after = visible.filter((event) => event.streamVersion > page.afterVersion);
    const entries = (await this.vault.openEvents(after.slice(0, page.limit), { reader: party })).map(anyTimelineEntryOf);
    const hasMore = after.length > entries.length;
    return {
      caseId,
      version: events.length,
      entries: await this.withRecipientsOfOwnMessages(entries, party, events[0] && (events[0].metadata as unknown as CaseMessageMetadata).sender),
      nextAfterVersion: hasMore ? entries[entries.length - 1].caseVersion : null,
    };
  }

  /** Who received each of the caller's own messages; an erasure's notices are shown to whoever asked for it and to the case's owner. */
  private async withRecipientsOfOwnMessages(
    entries: readonly (TimelineEntry | ProtectionTimelineEntry)[],
    party: string,
    owner: string | undefined,
  ): Promise<CaseTimelineEntry[]> {
    const shownTo = (entry: TimelineEntry | ProtectionTimelineEntry) => entry.sender === party || (entry.type === 'case.erased' && owner === party);
    const own = entries.filter(shownTo).map((entry) => entry.messageId.toLowerCase());
    if (own.length === 0) return [...entries];
    const recipients = await this.ledger.recipientsOf(own);
    return entries.map((entry) => (shownTo(entry) ? { ...entry, recipients: recipients.get(entry.messageId.toLowerCase()) ?? [] } : entry));
  }
}
