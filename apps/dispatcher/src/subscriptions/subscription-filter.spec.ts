import { MessageFacts, matchesSubscription, SubscriptionFilter } from './subscription-filter';

const facts: MessageFacts = {
  types: ['case.updated'],
  priorities: ['urgent'],
  senders: ['NCB-IT'],
  crimeAreas: ['document_fraud', 'migrant_smuggling'],
  routes: ['central_mediterranean'],
  operations: ['OP-HYDRA-2026'],
  taskForces: [],
};

const matches = (filters: SubscriptionFilter[]) => matchesSubscription(filters, facts);

describe('subscription matching (DESIGN.md: any filter; every named field; list overlap)', () => {
  it('[{}] (the default) matches everything, [] matches nothing', () => {
    expect(matches([{}])).toBe(true);
    expect(matches([])).toBe(false);
  });

  it('a field left out matches anything; a named field must contain the message value', () => {
    expect(matches([{ types: ['case.updated', 'case.opened'] }])).toBe(true);
    expect(matches([{ types: ['case.opened'] }])).toBe(false);
    expect(matches([{ priorities: ['urgent'], senders: ['NCB-IT'] }])).toBe(true);
    expect(matches([{ priorities: ['urgent'], senders: ['NCB-GR'] }])).toBe(false);
  });

  it('matches a case list on any overlap', () => {
    expect(matches([{ crimeAreas: ['migrant_smuggling', 'terrorism'] }])).toBe(true);
    expect(matches([{ crimeAreas: ['terrorism'] }])).toBe(false);
    expect(matches([{ routes: ['central_mediterranean'], operations: ['OP-HYDRA-2026'] }])).toBe(true);
  });

  it('a named field that is empty, or a case that has no value for it, never matches', () => {
    expect(matches([{ types: [] }])).toBe(false);
    expect(matches([{ taskForces: ['OTF-CENTRAL-MED'] }])).toBe(false);
  });

  it('matches when any one filter matches', () => {
    expect(matches([{ types: ['case.opened'] }, { senders: ['NCB-IT'] }])).toBe(true);
    expect(matches([{ types: ['case.opened'] }, { senders: ['NCB-GR'] }])).toBe(false);
  });
});
