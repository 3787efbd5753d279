import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { readDelivery, type Delivery, type ErasureNotice, type MessageDelivery } from './delivery';
import { DeliveryDeduplicator } from './delivery-deduplicator';
import { PARTNER_SETTINGS } from './partner-settings';
import { ReceivedMessages, type StoredVerdict } from './received-messages';

/**
 * Receives the party's deliveries: stores each message, and deletes the
 * stored copies an erasure notice names. Nest's Kafka transport awaits this
 * handler before the offset is committed, so a delivery that was not handled
 * comes again after a restart; one that was is a repeat, recognised by the
 * store (and, for recent ones, by the deduplicator in memory first).
 *
 * Logs carry ids, versions, codes and counts, never the content of a message.
 */
@Controller()
export class DeliveriesController {
  private readonly logger = new Logger('Deliveries');

  constructor(
    private readonly deduplicator: DeliveryDeduplicator,
    private readonly received: ReceivedMessages,
  ) {}

  @EventPattern(PARTNER_SETTINGS.topic)
  async onDelivery(@Payload() value: unknown, @Ctx() context: KafkaContext): Promise<void> {
    const message = context.getMessage();
    const where = `${context.getTopic()}[${context.getPartition()}]@${message.offset}`;
    const read = readDelivery({ value, key: message.key, headers: message.headers ?? {} });
    if (!read.ok) {
      // A record this consumer cannot read is logged and skipped, so that it does not block the partition.
      this.logger.warn(`${where}: skipped, ${read.reason}`);
      return;
    }
    if (read.kind === 'erasure.notice') await this.onErasureNotice(read.delivery, where);
    else await this.onMessage(read.delivery, where);
  }

  private async onMessage(delivery: MessageDelivery, where: string): Promise<void> {
    const verdict = this.repeatOf(delivery);
    if (verdict.repeat) return this.dropRepeat(delivery, verdict, where);
    await this.handle(delivery, where);
    await this.acknowledge(delivery, where);
    this.deduplicator.record(delivery);
  }

  /**
   * Deletes the stored copies of the messages the notice names (every stored
   * message of the case for a whole-case erasure), then acknowledges the
   * notice: its sender sees on its timeline that this party did. A notice is
   * dropped only as a repeat of itself, never for its case version: deleting
   * again is harmless, missing a deletion is not.
   */
  private async onErasureNotice(notice: ErasureNotice, where: string): Promise<void> {
    const verdict = this.repeatOf(notice);
    if (verdict.repeat && verdict.reason === 'message-id') return this.dropRepeat(notice, verdict, where);
    const { deleted } = this.received.erase(notice);
    // Ids and counts only: neither the persons' references nor the reason.
    const erased = notice.wholeCase ? 'whole case' : `${notice.personRefs?.length ?? 0} person(s)`;
    this.logger.log(
      `${where}: erasure notice ${notice.messageId} on case ${notice.caseId} v${notice.caseVersion} from ${notice.sender}, ${erased}: ` +
        `${notice.messageIds.length} message(s) named, ${deleted} stored message(s) deleted`,
    );
    await this.acknowledge(notice, where);
    this.deduplicator.record(notice);
  }

  /** The memory first (recent deliveries), then the store (every delivery handled, across restarts). */
  private repeatOf(delivery: Delivery): StoredVerdict {
    const remembered = this.deduplicator.check(delivery);
    // Recorded in memory only after this process tried to acknowledge it: no acknowledgement to retry.
    if (remembered.repeat) return remembered.reason === 'message-id' ? { ...remembered, acknowledged: true } : remembered;
    return this.received.check(delivery);
  }

  /**
   * A repeat is not handled again. When the first one was handled but its
   * acknowledgement did not get through (a crash in between, the exchange
   * unreachable), the repeat is acknowledged: acknowledging twice is harmless.
   */
  private async dropRepeat(delivery: Delivery, verdict: StoredVerdict & { repeat: true }, where: string): Promise<void> {
    const why = verdict.reason === 'message-id' ? 'message id seen before' : `case version ${delivery.caseVersion} ≤ last seen ${verdict.lastCaseVersion}`;
    this.logger.debug(`${where}: repeat of ${delivery.messageId} dropped (${why})`);
    if (verdict.reason === 'message-id' && !verdict.acknowledged) await this.acknowledge(delivery, where);
  }

  /**
   * Tells the exchange the delivery was received (POST /v1/feed/ack by message
   * id): its sender sees it on its timeline. A failed acknowledgement is
   * logged and noted as pending in the store; a repeat of the delivery
   * retries it.
   */
  private async acknowledge(delivery: Delivery, where: string): Promise<void> {
    const target = PARTNER_SETTINGS.acknowledgeTo;
    if (!target) return;
    try {
      const response = await fetch(`${target.url}/v1/feed/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messageIds: [delivery.messageId] }),
      });
      if (!response.ok) {
        this.logger.warn(`${where}: acknowledgement of ${delivery.messageId} answered ${response.status}: ${await response.text()}`);
        return;
      }
      this.received.acknowledged(delivery.messageId);
    } catch (error) {
      this.logger.warn(`${where}: acknowledgement of ${delivery.messageId} failed: ${(error as Error).message}`);
    }
  }

  /**
   * Where a partner system stores or acts on the message. This example
   * stores it, with its case's last version, in one transaction, and logs its
   * header fields (never the body: it holds the persons).
   */
  private async handle(delivery: MessageDelivery, where: string): Promise<void> {
    this.received.storeMessage(delivery);
    this.logger.log(
      `${where}: ${delivery.type} on case ${delivery.caseId} v${delivery.caseVersion} from ${delivery.sender}, ` +
        `${delivery.priority}, handling ${delivery.handling.code}, evaluation ${delivery.evaluation.source}${delivery.evaluation.information} ` +
        `(message ${delivery.messageId}, sent ${delivery.sentAt})`,
    );
  }
}
