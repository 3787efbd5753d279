import { COUNTRY_CODES, CURRENCY_CODES, isCaseId, isCountryCode, isCurrencyCode, isOperationId, isPartyCode, isTaskForceId, isUuid } from './codes';

describe('country codes', () => {
  it('are the 249 officially assigned ISO 3166-1 alpha-2 codes, each once', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect(COUNTRY_CODES.every((code) => /^[A-Z]{2}$/.test(code))).toBe(true);
  });

  it.each(['IT', 'LY', 'GR', 'NE', 'SY', 'ER', 'AX', 'SS', 'BQ'])('accepts %s', (code) => {
    expect(isCountryCode(code)).toBe(true);
  });

  it.each(['XK', 'ZZ', 'EU', 'UN', 'UK', 'it', 'It', 'ITA', '', ' IT'])('refuses %j', (code) => {
    expect(isCountryCode(code)).toBe(false);
  });

  it.each([null, undefined, 39, ['IT'], { IT: true }])('refuses the non-string %j', (value) => {
    expect(isCountryCode(value)).toBe(false);
  });
});

describe('currency codes', () => {
  it('are three upper-case letters, each once', () => {
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    expect(CURRENCY_CODES.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
  });

  it.each(['EUR', 'USD', 'LYD', 'GBP', 'CHF', 'XOF'])('accepts %s', (code) => {
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each(['eur', 'EURO', 'ZZZ', 'DEM', '', 978])('refuses %j', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });
});

describe('party codes', () => {
  it.each(['NCB-IT', 'NCB-GR', 'NCB-NE', 'EUROPOL', 'INTERPOL-GS', 'FRONTEX', 'IOM', 'UNODC', 'EU-LISA', 'A1B'])('accepts %s', (code) => {
    expect(isPartyCode(code)).toBe(true);
  });

  it.each([
    'NCB-XK',
    'NCB-ZZ',
    'NCB-it',
    'ncb-it',
    'NCB-',
    'NCB-ITA',
    'NCB-IT-X',
    'IT',
    'europol',
    'EUROPOL-',
    '-EUROPOL',
    'EURO--POL',
    '1OM',
    'INTERPOL GS',
    `A${'B'.repeat(64)}`,
  ])('refuses %j', (code) => {
    expect(isPartyCode(code)).toBe(false);
  });
});

describe('case ids', () => {
  it.each(['IT-2026-000123', 'GR-2026-1', 'IT-2026-123456789012', 'EUROPOL-2026-17', 'INTERPOL-GS-2026-5', 'IOM-2025-9'])('accepts %s', (caseId) => {
    expect(isCaseId(caseId)).toBe(true);
  });

  it.each([
    'XK-2026-1',
    'ZZ-2026-1',
    'it-2026-1',
    'IT-26-1',
    'IT-2026-',
    'IT-2026-1234567890123',
    'IT-2026-1a',
    'NCB-IT-2026-1',
    'IT2026-1',
    'IT-2026',
    'europol-2026-1',
  ])('refuses %j', (caseId) => {
    expect(isCaseId(caseId)).toBe(false);
  });
});

describe('operation and task force ids', () => {
  it.each(['OP-HYDRA-2026', 'OP-X', 'OP-2026'])('accepts the operation id %s', (id) => {
    expect(isOperationId(id)).toBe(true);
  });

  it.each(['OP-', 'op-hydra', 'OP-HYDRA_2026', 'OP-HYDRA-', 'OTF-CENTRAL-MED', 'HYDRA'])('refuses the operation id %j', (id) => {
    expect(isOperationId(id)).toBe(false);
  });

  it.each(['OTF-CENTRAL-MED', 'OTF-1'])('accepts the task force id %s', (id) => {
    expect(isTaskForceId(id)).toBe(true);
  });

  it.each(['OTF-', 'otf-central-med', 'OP-HYDRA-2026', 'OTF-CENTRAL MED'])('refuses the task force id %j', (id) => {
    expect(isTaskForceId(id)).toBe(false);
  });
});

describe('UUIDs', () => {
  it.each([
    '0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11',
    '0B8E2C8E-6F0A-4C43-9D1B-3F1F2A9A7C11',
    '017f22e2-79b0-7cc3-98c4-dc0c0c07398f',
    '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  ])('accepts %s whatever its version and case', (uuid) => {
    expect(isUuid(uuid)).toBe(true);
  });

  it.each(['0b8e2c8e6f0a4c439d1b3f1f2a9a7c11', '0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c1', '{0b8e2c8e-6f0a-4c43-9d1b-3f1f2a9a7c11}', 'g'.repeat(36)])(
    'refuses %j',
    (uuid) => {
      expect(isUuid(uuid)).toBe(false);
    },
  );
});
