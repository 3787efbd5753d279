import { Inject, Injectable } from '@nestjs/common';
import { CaseMessageData, CaseNotFound, caseStreamName, isEntitled } from '@cmx/case-domain';
import type { Evaluation, Handling, MessageType, Priority } from '@cmx/contracts';
import { EVENT_STORE, EventStore } from '@cmx/event-store';

export interface TimelineEntry {
  readonly caseVersion: number;
  readonly messageId: string;
  readonly type: MessageType;
  readonly sender: string;
  readonly sentAt: string;
  readonly receivedAt: string;
  readonly priority: Priority;
  readonly handling: Handling;
  readonly evaluation: Evaluation;
  readonly body: unknown;
}

export interface CaseTimeline {
  readonly caseId: string;
  readonly version: number;
  readonly entries: readonly TimelineEntry[];
  /** Pass as afterVersion for the next page; null when this page reaches the end. */
  readonly nextAfterVersion: number | null;
}

export interface TimelinePage {
  readonly afterVersion: number;
  readonly limit: number;
}

@Injectable()
export class CaseTimelineService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The messages of a case the party is entitled to; a party entitled to none learns only that there is nothing for it. */
  async timeline(caseId: string, party: string, page: TimelinePage): Promise<CaseTimeline> {
    const events = await this.store.readStream(caseStreamName(caseId));
    const visible = events.filter((event) => isEntitled(event.data as unknown as CaseMessageData, party));
    if (visible.length === 0) throw new CaseNotFound(caseId);

    const after = visible.filter((event) => event.streamVersion > page.afterVersion);
    const entries = after.slice(0, page.limit).map((event) => {
      const { message, receivedAt } = event.data as unknown as CaseMessageData;
      const { header } = message;
      return {
        caseVersion: event.streamVersion,
        messageId: header.messageId,
        type: header.type,
        sender: header.sender,
        sentAt: header.sentAt,
        receivedAt,
        priority: header.priority,
        handling: header.handling,
        evaluation: header.evaluation,
        body: message.body,
      };
    });
    const hasMore = after.length > entries.length;
    return {
      caseId,
      version: events.length,
      entries,
      nextAfterVersion: hasMore ? entries[entries.length - 1].caseVersion : null,
    };
  }
}
