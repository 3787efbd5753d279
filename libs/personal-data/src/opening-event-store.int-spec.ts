import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseStreamName, type CaseMessageData } from '@cmx/case-domain';
import { exampleMessage } from '@cmx/contracts/testing';
import { describeEventStoreConformance } from '@cmx/event-store/conformance';
import { SqliteEventStore, type EventStore, type JsonObject } from '@cmx/event-store';
import { OpeningEventStore } from './opening-event-store';
import { PersonalDataVault } from './personal-data-vault';
import { SqliteKeyStore } from './sqlite/sqlite-key-store';

const OWNER = 'NCB-IT';

describe('OpeningEventStore over SQLite', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cmx-opening-store-'));
  const keys = SqliteKeyStore.open(join(directory, 'keys.sqlite'));
  const vault = new PersonalDataVault(keys);

  afterAll(async () => {
    await keys.close();
    rmSync(directory, { recursive: true, force: true });
  });

  describe.each(['everything', 'public'] as const)('the event-store conformance suite, read as %s', (view) => {
    describeEventStoreConformance(`opening (${view})`, {
      open: async () => new OpeningEventStore(await SqliteEventStore.open({ file: join(directory, `conformance-${view}.sqlite`) }), vault, view),
    });
  });

  describe('case messages', () => {
    let inner: EventStore;
    let store: OpeningEventStore;

    beforeEach(async () => {
      inner = await SqliteEventStore.open({ file: join(directory, `${randomUUID()}.sqlite`) });
      store = new OpeningEventStore(inner, vault, 'public');
    });
    afterEach(() => store.close());

    function caseOpened(caseId: string): CaseMessageData {
      const message = exampleMessage('case.opened') as CaseMessageData['message'];
      return {
        message: { ...message, header: { ...message.header, caseId, messageId: randomUUID() } } as CaseMessageData['message'],
        receivedAt: new Date().toISOString(),
        entitledParties: [OWNER, 'NCB-GR'],
      };
    }

    async function append(caseId: string, data: CaseMessageData) {
      const result = await store.append(
        caseStreamName(caseId),
        [
          {
            id: data.message.header.messageId,
            type: 'CaseOpened',
            data: data as unknown as JsonObject,
            metadata: { messageId: data.message.header.messageId, caseId, sender: OWNER },
          },
        ],
        0,
      );
      if (result.outcome !== 'appended') throw new Error(result.outcome);
      return result.events[0];
    }

    it('stores what the vault sealed, and every read gives it back opened', async () => {
      const caseId = `IT-2026-${randomUUID().slice(0, 6)}`;
      const plain = caseOpened(caseId);
      const stored = await append(caseId, await vault.seal(plain, OWNER));

      const [raw] = await inner.readStream(caseStreamName(caseId));
      expect(JSON.stringify(raw.data)).not.toContain('DOE');
      expect((await store.readStream(caseStreamName(caseId)))[0].data).toEqual(plain);
      expect((await store.findEvent(stored.id))!.data).toEqual(plain);
      expect((await store.readAll()).find((event) => event.id === stored.id)!.data).toEqual(plain);
      const seen: unknown[] = [];
      const subscription = store.subscribe((event) => void seen.push(event.data));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await subscription.stop();
      expect(seen).toEqual([plain]);
    });

    it('reads an event stored before encryption as it is, with what was erased since withheld', async () => {
      const caseId = `IT-2026-${randomUUID().slice(0, 6)}`;
      const plain = caseOpened(caseId);
      await append(caseId, plain);
      expect((await store.readStream(caseStreamName(caseId)))[0].data).toEqual(plain);

      await vault.protect(caseId, { version: 2, owner: OWNER, kind: 'erase', refs: ['P1'] });
      const body = ((await store.readStream(caseStreamName(caseId)))[0].data as unknown as CaseMessageData).message.body as { persons: unknown[] };
      expect(body.persons[0]).toEqual({ ref: 'P1', erased: true });
    });
  });
});
