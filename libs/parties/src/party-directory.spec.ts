import { hashApiKey, PartiesFileInvalid, PartyDirectory } from './party-directory';

const file = {
  parties: [
    { code: 'NCB-IT', kind: 'bureau', apiKeys: [hashApiKey('key-it-1'), hashApiKey('key-it-2')] },
    { code: 'EUROPOL', kind: 'agency', apiKeys: [hashApiKey('key-europol')] },
    { code: 'FRONTEX', kind: 'agency', apiKeys: [] },
  ],
  operations: [{ id: 'OP-HYDRA-2026', members: ['NCB-IT', 'EUROPOL'] }],
  taskForces: [{ id: 'OTF-CENTRAL-MED', members: ['FRONTEX', 'NCB-IT'] }],
  admins: ['EUROPOL'],
  auditors: ['FRONTEX'],
};

describe('PartyDirectory', () => {
  const directory = PartyDirectory.fromJson(file);

  it('authenticates each of a party’s keys and nothing else', () => {
    expect(directory.authenticate('key-it-1')).toBe('NCB-IT');
    expect(directory.authenticate('key-it-2')).toBe('NCB-IT');
    expect(directory.authenticate('key-europol')).toBe('EUROPOL');
    expect(directory.authenticate('key-it-3')).toBeUndefined();
    expect(directory.authenticate('')).toBeUndefined();
    expect(directory.authenticate(hashApiKey('key-it-1'))).toBeUndefined();
  });

  it('names the key that authenticated by the first 16 hex digits of its stored hash, never by the key', () => {
    expect(directory.identify('key-it-2')).toEqual({ party: 'NCB-IT', keyId: hashApiKey('key-it-2').slice(7, 23) });
    expect(directory.identify('key-it-1')?.keyId).not.toBe(directory.identify('key-it-2')?.keyId);
    expect(directory.identify('key-it-3')).toBeUndefined();
  });

  it('knows the auditors, who must be listed parties', () => {
    expect([...directory.auditors]).toEqual(['FRONTEX']);
    expect(() => PartyDirectory.fromJson({ ...file, auditors: ['NCB-GR'] })).toThrow(/auditors\[0\] is not a listed party/);
  });

  it('knows parties, operations and task forces with sorted members', () => {
    expect(directory.allPartyCodes()).toEqual(['EUROPOL', 'FRONTEX', 'NCB-IT']);
    expect(directory.hasParty('NCB-IT')).toBe(true);
    expect(directory.hasParty('NCB-GR')).toBe(false);
    expect(directory.operationMembers('OP-HYDRA-2026')).toEqual(['EUROPOL', 'NCB-IT']);
    expect(directory.taskForceMembers('OTF-CENTRAL-MED')).toEqual(['FRONTEX', 'NCB-IT']);
    expect(directory.operationMembers('OP-OTHER')).toBeUndefined();
    expect([...directory.admins]).toEqual(['EUROPOL']);
  });

  it('knows whether a party is a bureau or an agency', () => {
    expect(directory.kindOf('NCB-IT')).toBe('bureau');
    expect(directory.kindOf('EUROPOL')).toBe('agency');
    expect(directory.kindOf('NCB-GR')).toBeUndefined();
  });

  it.each([
    ['a clear-text key', { ...file, parties: [{ code: 'NCB-IT', kind: 'bureau', apiKeys: ['secret'] }] }, /apiKeys\[0\]/],
    ['an invalid party code', { ...file, parties: [{ code: 'NCB-ZZ', kind: 'bureau', apiKeys: [] }] }, /parties\[0\]\.code/],
    ['a wrong kind', { ...file, parties: [{ code: 'EUROPOL', kind: 'bureau', apiKeys: [] }] }, /kind must be agency/],
    ['an unknown member', { ...file, operations: [{ id: 'OP-X', members: ['NCB-GR'] }] }, /operations\[0\]\.members\[0\]/],
    ['a bad operation id', { ...file, operations: [{ id: 'HYDRA', members: [] }] }, /operations\[0\]\.id/],
    ['an unknown admin', { ...file, admins: ['IOM'] }, /admins\[0\]/],
    ['an unknown field', { ...file, owners: [] }, /unknown field owners/],
    [
      'a key shared by two parties',
      { ...file, parties: [file.parties[0], { code: 'IOM', kind: 'agency', apiKeys: [hashApiKey('key-it-1')] }] },
      /used by another key/,
    ],
  ])('refuses a parties file with %s', (_name, input, problem) => {
    expect(() => PartyDirectory.fromJson(input)).toThrow(PartiesFileInvalid);
    expect(() => PartyDirectory.fromJson(input)).toThrow(problem);
  });

  it('loads the shipped demo file', () => {
    const demo = PartyDirectory.fromFile(`${__dirname}/../../../config/demo-parties.json`);
    expect(demo.authenticate('demo-ncb-it')).toBe('NCB-IT');
    expect(demo.operationMembers('OP-HYDRA-2026')).toContain('EUROPOL');
  });
});
