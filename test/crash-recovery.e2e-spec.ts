import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExchangeClient } from './support/exchange-client';
import { startExchangeProcess } from './support/service-process';
import { messageOf, newCaseId } from './support/messages';

describe('kill -9 of the exchange right after acknowledged writes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acknowledged message: every receipt is on the timeline after restart', async () => {
    const first = await startExchangeProcess({ DATA_DIR: dataDir });
    const client = new ExchangeClient(first.baseUrl, 'NCB-IT');
    const caseIds = Array.from({ length: 20 }, () => newCaseId());
    const receipts: { caseId: string; messageId: string; caseVersion: number; position: string }[] = [];
    const writer = async (caseId: string) => {
      for (let n = 0; n < 10; n++) {
        const type = n === 0 ? 'case.opened' : 'case.updated';
        const answer = await client.post(messageOf(type, { caseId }));
        if (answer.status === 201) receipts.push(answer.body);
        else throw new Error(`unexpected ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    };
    await Promise.all(caseIds.map(writer));
    // Writers still in flight when the process dies: their outcome is unknown, so only receipts count.
    const inFlight = caseIds.slice(0, 5).map((caseId) => client.post(messageOf('case.updated', { caseId })).catch(() => undefined));
    await first.kill9();
    await Promise.all(inFlight);
    expect(receipts).toHaveLength(200);

    const second = await startExchangeProcess({ DATA_DIR: dataDir });
    try {
      const reader = new ExchangeClient(second.baseUrl, 'NCB-IT');
      for (const caseId of caseIds) {
        const { status, body } = await reader.timeline(caseId, { limit: 500 });
        expect(status).toBe(200);
        const stored = new Map(body.entries.map((entry: { messageId: string; caseVersion: number }) => [entry.messageId, entry.caseVersion]));
        for (const receipt of receipts.filter((r) => r.caseId === caseId)) {
          expect(stored.get(receipt.messageId)).toBe(receipt.caseVersion);
        }
        expect(body.entries.map((entry: { caseVersion: number }) => entry.caseVersion)).toEqual(
          Array.from({ length: body.entries.length }, (_, index) => index + 1),
        );
      }
      const after = await reader.post(messageOf('case.updated', { caseId: caseIds[0] }));
      expect(after.status).toBe(201);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
