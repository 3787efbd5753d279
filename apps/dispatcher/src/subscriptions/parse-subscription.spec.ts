import { InvalidSubscription } from '@cmx/errors';
import { PartyDirectory } from '@cmx/parties';
import { MAX_FILTERS, parseSubscription } from './parse-subscription';

const directory = PartyDirectory.fromJson({
  parties: [
    { code: 'NCB-IT', kind: 'bureau', apiKeys: [] },
    { code: 'EUROPOL', kind: 'agency', apiKeys: [] },
  ],
  operations: [{ id: 'OP-HYDRA-2026', members: ['NCB-IT', 'EUROPOL'] }],
  taskForces: [{ id: 'OTF-CENTRAL-MED', members: ['NCB-IT'] }],
});

function violationsOf(body: unknown): { path: string; rule: string }[] {
  try {
    parseSubscription(body, directory);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSubscription);
    return ((error as InvalidSubscription).details as { path: string; rule: string }[]).map(({ path, rule }) => ({ path, rule }));
  }
  throw new Error('accepted');
}

describe('PUT /v1/subscriptions body', () => {
  it('takes every filter field with known values, and [] and [{}]', () => {
    const filters = [
      {
        types: ['case.opened'],
        crimeAreas: ['migrant_smuggling'],
        routes: ['central_mediterranean'],
        operations: ['OP-HYDRA-2026'],
        taskForces: ['OTF-CENTRAL-MED'],
        priorities: ['urgent'],
        senders: ['NCB-IT'],
      },
    ];
    expect(parseSubscription({ filters }, directory)).toEqual(filters);
    expect(parseSubscription({ filters: [] }, directory)).toEqual([]);
    expect(parseSubscription({ filters: [{}] }, directory)).toEqual([{}]);
  });

  it('refuses unknown values and fields, naming each path', () => {
    expect(
      violationsOf({
        filters: [{ types: ['case.deleted'], operations: ['OP-NOPE'], senders: ['NCB-XX', 7], colour: ['red'] }, 'x'],
        extra: true,
      }),
    ).toEqual([
      { path: 'extra', rule: 'unknown_field' },
      { path: 'filters[0].types[0]', rule: 'message_type' },
      { path: 'filters[0].operations[0]', rule: 'unknown_operation' },
      { path: 'filters[0].senders[0]', rule: 'unknown_party' },
      { path: 'filters[0].senders[1]', rule: 'unknown_party' },
      { path: 'filters[0].colour', rule: 'unknown_field' },
      { path: 'filters[1]', rule: 'type' },
    ]);
  });

  it('refuses a body without a filters list, a field that is not a list, and too many filters', () => {
    expect(violationsOf([])).toEqual([{ path: '', rule: 'type' }]);
    expect(violationsOf({})).toEqual([{ path: 'filters', rule: 'type' }]);
    expect(violationsOf({ filters: [{ types: 'case.opened' }] })).toEqual([{ path: 'filters[0].types', rule: 'type' }]);
    expect(violationsOf({ filters: Array.from({ length: MAX_FILTERS + 1 }, () => ({})) })).toEqual([{ path: 'filters', rule: 'max_items' }]);
  });
});
