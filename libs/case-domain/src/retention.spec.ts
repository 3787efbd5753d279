import type { CmfMessage, MessageType } from '@cmx/contracts';
import { randomUUID } from 'node:crypto';
import { CaseErasedWhole } from './case-errors';
import { AnyCaseEvent, CASE_EVENT_TYPE_BY_MESSAGE_TYPE, CaseEvent, CaseProtectionEvent } from './case-events';
import { evolve, initialCaseState } from './case-state';
import { decideProtection } from './decide';
import {
  deleteDueAt,
  evolveRetention,
  initialCaseRetention,
  isDeletionDue,
  isReviewDue,
  RETENTION_PARTY,
  retentionErasure,
  retentionOf,
  reviewDueAt,
} from './retention';

const CASE_ID = 'IT-2026-000123';
const POLICY = { reviewDays: 30, deleteDays: 365 };
const at = (iso: string) => new Date(iso);

function messageEvent(type: MessageType, receivedAt: string, sender = 'NCB-IT', body: object = {}): CaseEvent {
  const message = {
    header: {
      messageId: randomUUID(),
      schemaVersion: '1.0',
      type,
      sender,
      sentAt: receivedAt,
      caseId: CASE_ID,
      priority: 'routine',
      handling: { code: 'H2' },
      distribution: { scope: 'recipients', recipients: ['NCB-GR'] },
      evaluation: { source: 'B', information: '2' },
    },
    body,
  } as unknown as CmfMessage;
  return {
    type: CASE_EVENT_TYPE_BY_MESSAGE_TYPE[type],
    data: { message, receivedAt, entitledParties: ['NCB-GR', sender].sort() },
    metadata: { messageId: message.header.messageId, caseId: CASE_ID, sender },
  };
}

function protection(type: CaseProtectionEvent['type'], receivedAt: string, target: { wholeCase: true } | { personRefs: string[] }): CaseProtectionEvent {
  return {
    type,
    data: {
      ...target,
      reason: 'r',
      legalBasis: 'b',
      requestedBy: 'NCB-IT',
      owner: 'NCB-IT',
      receivedAt,
      messageIds: [],
      entitledParties: ['NCB-GR', 'NCB-IT'],
    },
    metadata: { messageId: randomUUID(), caseId: CASE_ID, sender: 'NCB-IT' },
  };
}

const opened = (receivedAt: string) => messageEvent('case.opened', receivedAt, 'NCB-IT', { title: 'Zuwara', persons: [{ ref: 'P1', role: 'organiser' }] });

describe('case retention', () => {
  it('starts with no dates: a case without messages is never due', () => {
    expect(initialCaseRetention).toEqual({ owner: undefined, lastActivityAt: undefined, lastReportAt: undefined, wholeCaseErased: false, version: 0 });
    expect(reviewDueAt(initialCaseRetention, POLICY)).toBeUndefined();
    expect(deleteDueAt(initialCaseRetention, POLICY)).toBeUndefined();
    expect(isReviewDue(initialCaseRetention, POLICY, at('2100-01-01T00:00:00Z'))).toBe(false);
    expect(isDeletionDue(initialCaseRetention, POLICY, at('2100-01-01T00:00:00Z'))).toBe(false);
  });

  it('dates a case from case.opened: review after reviewDays, deletion after deleteDays, due from that instant on', () => {
    const state = retentionOf([opened('2026-01-10T08:00:00.000Z')]);
    expect(state).toEqual({
      owner: 'NCB-IT',
      lastActivityAt: '2026-01-10T08:00:00.000Z',
      lastReportAt: '2026-01-10T08:00:00.000Z',
      wholeCaseErased: false,
      version: 1,
    });
    expect(reviewDueAt(state, POLICY)).toBe('2026-02-09T08:00:00.000Z');
    expect(deleteDueAt(state, POLICY)).toBe('2027-01-10T08:00:00.000Z');
    expect(isReviewDue(state, POLICY, at('2026-02-09T07:59:59.999Z'))).toBe(false);
    expect(isReviewDue(state, POLICY, at('2026-02-09T08:00:00.000Z'))).toBe(true);
    expect(isDeletionDue(state, POLICY, at('2027-01-10T07:59:59.999Z'))).toBe(false);
    expect(isDeletionDue(state, POLICY, at('2027-01-10T08:00:00.000Z'))).toBe(true);
  });

  it('counts days of 24 hours in UTC, whatever offset the times were written with', () => {
    const state = { ...initialCaseRetention, lastActivityAt: '2026-03-28T23:30:00+01:00', lastReportAt: '2026-03-28T23:30:00+01:00' };
    expect(reviewDueAt(state, { reviewDays: 1 })).toBe('2026-03-29T22:30:00.000Z');
    expect(deleteDueAt(state, { deleteDays: 3650 })).toBe('2036-03-25T22:30:00.000Z');
  });

  it('extends the deletion date with case.updated, whoever sends it', () => {
    const state = retentionOf([opened('2026-01-10T08:00:00.000Z'), messageEvent('case.updated', '2026-06-01T12:00:00.000Z', 'NCB-GR')]);
    expect(state.owner).toBe('NCB-IT');
    expect(state.lastReportAt).toBe('2026-06-01T12:00:00.000Z');
    expect(deleteDueAt(state, POLICY)).toBe('2027-06-01T12:00:00.000Z');
    expect(isDeletionDue(state, POLICY, at('2027-03-01T00:00:00Z'))).toBe(false);
  });

  it.each<MessageType>(['case.linked', 'case.assigned', 'interception.reported', 'information.requested', 'information.provided', 'case.closed'])(
    'a later %s moves the review date but not the deletion date',
    (type) => {
      const state = retentionOf([opened('2026-01-10T08:00:00.000Z'), messageEvent(type, '2026-06-01T12:00:00.000Z')]);
      expect(state.lastActivityAt).toBe('2026-06-01T12:00:00.000Z');
      expect(state.lastReportAt).toBe('2026-01-10T08:00:00.000Z');
      expect(reviewDueAt(state, POLICY)).toBe('2026-07-01T12:00:00.000Z');
      expect(deleteDueAt(state, POLICY)).toBe('2027-01-10T08:00:00.000Z');
      expect(isDeletionDue(state, POLICY, at('2027-01-10T08:00:00.000Z'))).toBe(true);
      expect(isReviewDue(state, POLICY, at('2026-06-15T00:00:00Z'))).toBe(false);
    },
  );

  it('takes erasures and restrictions as no activity, but counts them in the version', () => {
    const history: AnyCaseEvent[] = [
      opened('2026-01-10T08:00:00.000Z'),
      protection('CaseRestricted', '2026-02-01T00:00:00.000Z', { personRefs: ['P1'] }),
      protection('CaseRestrictionLifted', '2026-02-02T00:00:00.000Z', { personRefs: ['P1'] }),
      protection('CaseErased', '2026-02-03T00:00:00.000Z', { personRefs: ['P1'] }),
    ];
    const state = retentionOf(history);
    expect(state).toEqual({
      owner: 'NCB-IT',
      lastActivityAt: '2026-01-10T08:00:00.000Z',
      lastReportAt: '2026-01-10T08:00:00.000Z',
      wholeCaseErased: false,
      version: 4,
    });
    expect(state.version).toBe(history.reduce(evolve, initialCaseState).version);
  });

  it('is due no more once the case is erased whole', () => {
    const state = retentionOf([opened('2026-01-10T08:00:00.000Z'), protection('CaseErased', '2027-02-01T00:00:00.000Z', { wholeCase: true })]);
    expect(state.wholeCaseErased).toBe(true);
    expect(isReviewDue(state, POLICY, at('2030-01-01T00:00:00Z'))).toBe(false);
    expect(isDeletionDue(state, POLICY, at('2030-01-01T00:00:00Z'))).toBe(false);
    expect(evolveRetention(state, messageEvent('case.updated', '2027-03-01T00:00:00.000Z')).wholeCaseErased).toBe(true);
  });

  it('asks for the whole-case erasure that decideProtection accepts from the retention party, at the folded version', () => {
    const history: AnyCaseEvent[] = [opened('2026-01-10T08:00:00.000Z'), messageEvent('interception.reported', '2026-02-01T00:00:00.000Z')];
    const state = retentionOf(history);
    const command = retentionErasure(CASE_ID, state, POLICY, { eventId: 'C0FFEE00-0000-4000-8000-000000000001', receivedAt: at('2027-02-01T00:00:00Z') });
    expect(command).toEqual({
      caseId: CASE_ID,
      eventId: 'C0FFEE00-0000-4000-8000-000000000001',
      kind: 'erase',
      target: { wholeCase: true },
      reason: 'retention: deletion date 2027-01-10T08:00:00.000Z passed',
      legalBasis: 'RETENTION_DELETE_DAYS=365',
      expectedCaseVersion: 2,
      caller: RETENTION_PARTY,
      callerIsAdmin: true,
      receivedAt: at('2027-02-01T00:00:00Z'),
    });
    const caseState = history.reduce(evolve, initialCaseState);
    const event = decideProtection(command, caseState, history);
    expect(event).toMatchObject({
      type: 'CaseErased',
      data: {
        wholeCase: true,
        requestedBy: 'CMX-RETENTION',
        owner: 'NCB-IT',
        receivedAt: '2027-02-01T00:00:00.000Z',
        messageIds: history.map((e) => e.metadata.messageId),
      },
      metadata: { messageId: 'c0ffee00-0000-4000-8000-000000000001', caseId: CASE_ID, sender: 'CMX-RETENTION' },
    });
    expect(event.data.entitledParties).toEqual(['CMX-RETENTION', 'NCB-GR', 'NCB-IT']);
    const erased = retentionOf([...history, event]);
    expect(erased.wholeCaseErased).toBe(true);
    expect(() =>
      decideProtection({ ...command, expectedCaseVersion: erased.version }, [...history, event].reduce(evolve, initialCaseState), [...history, event]),
    ).toThrow(CaseErasedWhole);
  });

  it('gives a case with no report no erasure to ask for', () => {
    expect(() => retentionErasure(CASE_ID, initialCaseRetention, POLICY, { eventId: randomUUID(), receivedAt: new Date() })).toThrow(/no deletion date/);
  });
});
