import { randomUUID } from 'node:crypto';
import type { CmfHeader, MessageType } from '@cmx/contracts';
import { exampleHeader, exampleMessage } from '@cmx/contracts/testing';

export interface MessageOptions {
  readonly caseId: string;
  readonly sender?: string;
  readonly messageId?: string;
  readonly header?: Partial<Omit<CmfHeader, 'type'>>;
  readonly body?: object;
}

/** A valid message of `type` sent now, with a fresh messageId and no expectedCaseVersion unless given. */
export function messageOf(type: MessageType, options: MessageOptions) {
  const { expectedCaseVersion: _, ...header } = exampleHeader(type, {
    caseId: options.caseId,
    sender: options.sender ?? 'NCB-IT',
    messageId: options.messageId ?? randomUUID(),
    sentAt: new Date().toISOString(),
    ...options.header,
  });
  const withVersion = options.header?.expectedCaseVersion === undefined ? header : { ...header, expectedCaseVersion: options.header.expectedCaseVersion };
  return { header: withVersion, body: options.body ?? exampleMessage(type).body };
}

let caseCounter = 0;
/**
 * Jest gives every test file its own copy of this module in one process (--runInBand), so the counter starts again
 * in each file: a random prefix per copy keeps the files' cases apart on the Kafka topics they share.
 */
const casePrefix = String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0');
/** A case id no other test uses. */
export function newCaseId(country = 'IT'): string {
  caseCounter += 1;
  return `${country}-2026-${casePrefix}${String(caseCounter).padStart(5, '0')}`;
}

/** One case's messages that a bulk path must answer each as POST /v1/messages would: accepted, stale, id reused, invalid. */
export function mixedCaseMessages(caseId: string) {
  const opened = messageOf('case.opened', { caseId });
  return {
    opened,
    updated: messageOf('case.updated', { caseId, header: { expectedCaseVersion: 1 } }),
    stale: messageOf('case.updated', { caseId, header: { expectedCaseVersion: 0 } }),
    reused: { ...messageOf('case.updated', { caseId, messageId: opened.header.messageId }), body: { summary: 'other content' } },
    invalid: messageOf('case.updated', { caseId, header: { priority: 'whenever' as never } }),
  };
}
