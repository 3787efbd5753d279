import type { StoredEvent } from '@cmx/event-store';
import type { PersonalDataVault } from '@cmx/personal-data';

/** Events kept opened; the projections follow the store close together, so the second reads the first's. */
const MAX_KEPT = 5_000;

/**
 * The store's events as the read models see them (`public`), opened once for
 * every projection of the process: opening costs about as much as folding.
 * Forgotten whenever this process applies an erasure or a restriction, so that
 * what is opened after it is opened under the keys as they are.
 */
export class OpenedEvents {
  private readonly kept = new Map<string, StoredEvent>();

  constructor(readonly vault: PersonalDataVault) {}

  async open(events: readonly StoredEvent[]): Promise<StoredEvent[]> {
    const missing = events.filter((event) => !this.kept.has(event.position));
    const opened = await this.vault.openEvents(missing, 'public');
    opened.forEach((event) => this.kept.set(event.position, event));
    const result = events.map((event) => this.kept.get(event.position) ?? event);
    for (const position of this.kept.keys()) {
      if (this.kept.size <= MAX_KEPT) break;
      this.kept.delete(position);
    }
    return result;
  }

  async applyProtection(event: StoredEvent): Promise<void> {
    this.kept.clear();
    await this.vault.applyProtection(event);
  }
}
