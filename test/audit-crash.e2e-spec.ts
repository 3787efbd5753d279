import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditItem, HONEST_VERIFY, readAuditLog, runAuditVerify } from './support/audit-log';
import { testSigningKeyFile } from './support/audit-signing-key';
import { DEMO_KEYS } from './support/exchange-client';
import { messageOf, newCaseId } from './support/messages';
import { seededRandom } from './support/reference-entitlement';
import { ServiceProcess, startExchangeProcess } from './support/service-process';

const HYDRA = { scope: 'operation', operations: ['OP-HYDRA-2026'] }; // NCB-IT, NCB-GR, EUROPOL
const LOAD_MS = 12_000;
const MIN_KILLS = 3;
const WORKERS = 6;

/** A read answered 200 whose whole body arrived: what it carried. */
interface ServedRead {
  readonly requestId: string;
  readonly party: string;
  readonly channel: 'http' | 'feed';
  readonly caseIds: readonly string[];
  readonly messageIds: readonly string[];
}

interface Receipt {
  readonly requestId: string;
  readonly caseId: string;
  readonly messageId: string;
}

describe('kill -9 of the exchange during a load of posts and reads', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-audit-crash-'));
  let survivor: ServiceProcess | undefined;
  afterAll(async () => {
    await survivor?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves a chain that verifies, every served read with its consult entry and every receipt with its collect entry', async () => {
    const env = { DATA_DIR: dataDir, AUDIT_CHECKPOINT_ENTRIES: '50' };
    const random = seededRandom(20261202);
    let current = await startExchangeProcess(env);
    let kills = 0;
    let working = true;
    const killer = (async () => {
      while (working || kills < MIN_KILLS) {
        await new Promise((resolve) => setTimeout(resolve, 700 + random() * 1_300));
        await current.kill9();
        kills += 1;
        current = await startExchangeProcess(env);
      }
    })();

    const caseIds = Array.from({ length: 8 }, () => newCaseId());
    const opened = new Set<string>();
    const receipts: Receipt[] = [];
    const served: ServedRead[] = [];
    const cursors = new Map<string, string>();
    let requests = 0;
    let unanswered = 0;

    /** One call to whichever instance is up; undefined when the process died under it (its outcome is unknown). */
    const call = async (party: string, method: string, path: string, requestId: string, body?: unknown) => {
      try {
        const response = await fetch(`${current.baseUrl}${path}`, {
          method,
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: {
            authorization: `Bearer ${DEMO_KEYS[party]}`,
            'x-request-id': requestId,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          signal: AbortSignal.timeout(10_000),
        });
        return { status: response.status, body: JSON.parse(await response.text()) };
      } catch {
        unanswered += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return undefined;
      }
    };

    const worker = async (n: number) => {
      const deadline = Date.now() + LOAD_MS;
      while (Date.now() < deadline || kills < MIN_KILLS) {
        const requestId = `w${n}-${requests++}`;
        const caseId = caseIds[Math.floor(random() * caseIds.length)];
        const pick = random();
        if (pick < 0.4) {
          const message = messageOf(opened.has(caseId) ? 'case.updated' : 'case.opened', { caseId, header: { distribution: HYDRA as never } });
          const answer = await call('NCB-IT', 'POST', '/v1/messages', requestId, message);
          if (answer?.status === 201) {
            opened.add(caseId);
            receipts.push({ requestId, caseId, messageId: message.header.messageId });
          } else if (answer?.status === 409) {
            opened.add(caseId); // opened by a post whose answer was lost, or by another worker meanwhile
          } else if (answer?.status === 404) {
            opened.delete(caseId); // not opened after all
          } else if (answer) {
            throw new Error(`POST answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          }
        } else if (pick < 0.7) {
          const answer = await call('NCB-GR', 'GET', `/v1/cases/${caseId}/timeline?limit=500`, requestId);
          if (answer?.status === 200) {
            const messageIds: string[] = answer.body.entries.map((entry: { messageId: string }) => entry.messageId);
            served.push({ requestId, party: 'NCB-GR', channel: 'http', caseIds: [caseId], messageIds: [...messageIds].sort() });
          } else if (answer && answer.status !== 404) {
            throw new Error(`timeline answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          }
        } else {
          const party = random() < 0.5 ? 'NCB-GR' : 'EUROPOL';
          const after = random() < 0.7 ? cursors.get(party) : undefined;
          const answer = await call(party, 'GET', `/v1/feed?limit=${1 + Math.floor(random() * 20)}${after ? `&after=${after}` : ''}`, requestId);
          if (answer?.status === 200) {
            const items: { delivery: { caseId: string; messageId: string } }[] = answer.body.items;
            if (answer.body.nextCursor) cursors.set(party, answer.body.nextCursor);
            if (items.length > 0) {
              served.push({
                requestId,
                party,
                channel: 'feed',
                caseIds: [...new Set(items.map((item) => item.delivery.caseId))].sort(),
                messageIds: [...new Set(items.map((item) => item.delivery.messageId))].sort(),
              });
            }
          } else if (answer) {
            throw new Error(`feed answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          }
        }
      }
    };

    try {
      await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)));
    } finally {
      working = false;
      await killer;
      survivor = current;
    }
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(receipts.length).toBeGreaterThanOrEqual(30);
    expect(served.filter((read) => read.channel === 'http').length).toBeGreaterThanOrEqual(30);
    expect(served.filter((read) => read.channel === 'feed').length).toBeGreaterThanOrEqual(10);
    console.info(`${kills} kills; ${requests} requests, ${unanswered} unanswered; ${receipts.length} receipts, ${served.length} served reads`);

    const { items } = await readAuditLog(survivor.baseUrl);
    expect(items.map((item) => Number(item.seq))).toEqual(items.map((_, n) => n + 1));
    const byRequest = new Map<string, AuditItem[]>();
    for (const item of items) if (item.requestId) byRequest.set(item.requestId, [...(byRequest.get(item.requestId) ?? []), item]);

    // No read left the process without its entry, and the entry names exactly what it carried.
    for (const read of served) {
      const entries = (byRequest.get(read.requestId) ?? []).map((item) => ({
        operation: item.operation,
        party: item.party,
        channel: item.channel,
        caseIds: item.caseIds,
        messageIds: [...item.messageIds].sort(),
      }));
      expect([read.requestId, entries]).toEqual([
        read.requestId,
        [{ operation: 'consult', party: read.party, channel: read.channel, caseIds: read.caseIds, messageIds: read.messageIds }],
      ]);
    }
    // No receipt without its collect entry.
    for (const receipt of receipts) {
      const entries = (byRequest.get(receipt.requestId) ?? []).map((item) => [item.operation, item.party, item.caseIds, item.messageIds]);
      expect([receipt.requestId, entries]).toEqual([receipt.requestId, [['collect', 'NCB-IT', [receipt.caseId], [receipt.messageId]]]]);
    }

    await survivor.stop();
    survivor = undefined;
    const verified = await runAuditVerify({ DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: testSigningKeyFile() });
    expect([verified.code, verified.stdout]).toEqual([0, expect.stringMatching(HONEST_VERIFY)]);
    expect(Number(HONEST_VERIFY.exec(verified.stdout)![1])).toBeGreaterThanOrEqual(items.length);
  }, 180_000);
});
