import { ConfigError, loadPartnerConfig } from './partner-config';

describe('loadPartnerConfig', () => {
  it("derives the party's topic and consumer group from PARTY", () => {
    expect(loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: '127.0.0.1:9092, kafka:19092' })).toEqual({
      party: 'NCB-GR',
      topic: 'cmx.deliveries.ncb-gr',
      groupId: 'cmx-partner-ncb-gr',
      clientId: 'cmx-partner-ncb-gr',
      brokers: ['127.0.0.1:9092', 'kafka:19092'],
      fromBeginning: true,
      maxMessageIds: 100_000,
      maxCases: 100_000,
      dataFile: './partner-data/ncb-gr.sqlite',
      acknowledgeTo: undefined,
    });
    expect(loadPartnerConfig({ PARTY: 'INTERPOL-GS', KAFKA_BROKERS: 'k:9092' }).topic).toBe('cmx.deliveries.interpol-gs');
  });

  it('stops on a missing or bad setting with one line naming it', () => {
    expect(() => loadPartnerConfig({ KAFKA_BROKERS: 'k:9092' })).toThrow(
      new ConfigError('PARTY is missing: the party code to consume deliveries for, e.g. PARTY=NCB-GR'),
    );
    expect(() => loadPartnerConfig({ PARTY: 'ncb-gr', KAFKA_BROKERS: 'k:9092' })).toThrow('PARTY=ncb-gr');
    expect(() => loadPartnerConfig({ PARTY: 'NCB-GR' })).toThrow('KAFKA_BROKERS is missing');
    expect(() => loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: 'k' })).toThrow('KAFKA_BROKERS=k');
    expect(() => loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: 'k:9092', FROM_BEGINNING: 'yes' })).toThrow('FROM_BEGINNING');
    expect(() => loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: 'k:9092', DEDUPE_MAX_CASES: '0' })).toThrow('DEDUPE_MAX_CASES');
    expect(() => loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: 'k:9092', EXCHANGE_URL: 'http://x:3000' })).toThrow('go together');
    expect(() => loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: 'k:9092', EXCHANGE_URL: 'ftp://x', EXCHANGE_API_KEY: 'k' })).toThrow(
      'EXCHANGE_URL=ftp://x',
    );
  });

  it('keeps what was received in PARTNER_DATA_FILE, a file path', () => {
    const base = { PARTY: 'INTERPOL-GS', KAFKA_BROKERS: 'k:9092' };
    expect(loadPartnerConfig(base).dataFile).toBe('./partner-data/interpol-gs.sqlite');
    expect(loadPartnerConfig({ ...base, PARTNER_DATA_FILE: ' /var/lib/partner/received.sqlite ' }).dataFile).toBe('/var/lib/partner/received.sqlite');
    expect(loadPartnerConfig({ ...base, PARTNER_DATA_FILE: '' }).dataFile).toBe('./partner-data/interpol-gs.sqlite');
    for (const bad of [':memory:', 'file:received.sqlite?mode=memory', '/var/lib/partner/', '.', 'data/..', 'a\0b']) {
      expect(() => loadPartnerConfig({ ...base, PARTNER_DATA_FILE: bad })).toThrow(new RegExp('^PARTNER_DATA_FILE'));
    }
  });

  it('acknowledges to the exchange when EXCHANGE_URL and EXCHANGE_API_KEY are given', () => {
    expect(loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: 'k:9092' }).acknowledgeTo).toBeUndefined();
    expect(
      loadPartnerConfig({ PARTY: 'NCB-GR', KAFKA_BROKERS: 'k:9092', EXCHANGE_URL: 'http://exchange:3000/', EXCHANGE_API_KEY: 'demo-ncb-gr' }).acknowledgeTo,
    ).toEqual({
      url: 'http://exchange:3000',
      apiKey: 'demo-ncb-gr',
    });
  });
});
