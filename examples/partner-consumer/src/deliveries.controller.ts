import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { readDelivery, type Delivery } from './delivery';
import { DeliveryDeduplicator } from './delivery-deduplicator';
import { PARTNER_SETTINGS } from './partner-settings';

/**
 * Receives the party's deliveries. Nest's Kafka transport awaits this handler
 * before the offset is committed, so a delivery that was not handled comes
 * again after a restart; the deduplicator drops the ones that were.
 */
@Controller()
export class DeliveriesController {
  private readonly logger = new Logger('Deliveries');

  constructor(private readonly deduplicator: DeliveryDeduplicator) {}

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
    const delivery = read.delivery;
    const verdict = this.deduplicator.check(delivery);
    if (verdict.repeat) {
      const why =
        verdict.reason === 'message-id' ? 'message id seen before' : `case version ${delivery.caseVersion} ≤ last seen ${verdict.lastCaseVersion}`;
      this.logger.debug(`${where}: repeat of ${delivery.messageId} dropped (${why})`);
      return;
    }
    await this.handle(delivery, where);
    await this.acknowledge(delivery, where);
    this.deduplicator.record(delivery);
  }

  /**
   * Tells the exchange the delivery was received (POST /v1/feed/ack by message
   * id): its sender sees it on its timeline. A failed acknowledgement is
   * logged, not retried: the delivery itself was handled.
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
      if (!response.ok) this.logger.warn(`${where}: acknowledgement of ${delivery.messageId} answered ${response.status}: ${await response.text()}`);
    } catch (error) {
      this.logger.warn(`${where}: acknowledgement of ${delivery.messageId} failed: ${(error as Error).message}`);
    }
  }

  /** Where a partner system stores or acts on the message. This example logs it. */
  private async handle(delivery: Delivery, where: string): Promise<void> {
    this.logger.log(
      `${where}: ${delivery.type} on case ${delivery.caseId} v${delivery.caseVersion} from ${delivery.sender}, ` +
        `${delivery.priority}, handling ${delivery.handling.code}, evaluation ${delivery.evaluation.source}${delivery.evaluation.information} ` +
        `(message ${delivery.messageId}, sent ${delivery.sentAt})`,
    );
  }
}
