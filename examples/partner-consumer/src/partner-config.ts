/**
 * The partner consumer's settings, from the environment:
 *   PARTY                   the party this consumer receives for, e.g. NCB-GR (required)
 *   KAFKA_BROKERS           host:port,… of the exchange's Kafka (required)
 *   FROM_BEGINNING          true (default): a new consumer group starts at the topic's beginning
 *   DEDUPE_MAX_MESSAGE_IDS  recent message ids remembered to drop repeats (default 100000)
 *   DEDUPE_MAX_CASES        cases whose last case version is remembered (default 100000)
 *   PARTNER_DATA_FILE       the SQLite file of what was received (default
 *                           ./partner-data/<party code in lower case>.sqlite)
 *   EXCHANGE_URL            the exchange's HTTP address, e.g. http://exchange:3000: with
 *   EXCHANGE_API_KEY        the party's API key, each handled delivery is acknowledged
 *                           (POST /v1/feed/ack), so that its sender sees it was received
 */
export interface PartnerConfig {
  readonly party: string;
  /** The exchange's topic for this party: cmx.deliveries.<party code in lower case>. */
  readonly topic: string;
  readonly groupId: string;
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly fromBeginning: boolean;
  readonly maxMessageIds: number;
  readonly maxCases: number;
  /** The SQLite file holding the messages received and the deliveries handled. */
  readonly dataFile: string;
  /** Where to acknowledge handled deliveries; undefined: they are not acknowledged. */
  readonly acknowledgeTo?: { readonly url: string; readonly apiKey: string };
}

/** A setting that stops the process; its message is the one line printed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A national bureau (NCB- and a country code) or an agency (upper-case letters, digits, dashes). */
const PARTY_CODE = /^(NCB-[A-Z]{2}|[A-Z][A-Z0-9]*(-[A-Z0-9]+)*)$/;
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export function deliveryTopicOf(party: string): string {
  return `cmx.deliveries.${party.toLowerCase()}`;
}

export function loadPartnerConfig(env: NodeJS.ProcessEnv): PartnerConfig {
  const party = env.PARTY?.trim();
  if (!party) throw new ConfigError('PARTY is missing: the party code to consume deliveries for, e.g. PARTY=NCB-GR');
  if (!PARTY_CODE.test(party)) throw new ConfigError(`PARTY=${party} is not a party code (e.g. NCB-GR, EUROPOL)`);
  const brokersSetting = env.KAFKA_BROKERS?.trim();
  if (!brokersSetting) throw new ConfigError('KAFKA_BROKERS is missing: the exchange Kafka brokers as host:port,…');
  const brokers = brokersSetting.split(',').map((broker) => broker.trim());
  const bad = brokers.find((broker) => !BROKER.test(broker));
  if (bad !== undefined) throw new ConfigError(`KAFKA_BROKERS=${brokersSetting} is not valid: ${bad || '(empty)'} is not host:port`);
  const id = party.toLowerCase();
  return {
    party,
    topic: deliveryTopicOf(party),
    groupId: `cmx-partner-${id}`,
    clientId: `cmx-partner-${id}`,
    brokers,
    fromBeginning: booleanSetting(env, 'FROM_BEGINNING', true),
    maxMessageIds: integerSetting(env, 'DEDUPE_MAX_MESSAGE_IDS', 100_000),
    maxCases: integerSetting(env, 'DEDUPE_MAX_CASES', 100_000),
    dataFile: dataFileSetting(env, `./partner-data/${id}.sqlite`),
    acknowledgeTo: acknowledgementSettings(env),
  };
}

function acknowledgementSettings(env: NodeJS.ProcessEnv): PartnerConfig['acknowledgeTo'] {
  const url = env.EXCHANGE_URL?.trim();
  const apiKey = env.EXCHANGE_API_KEY?.trim();
  if (!url && !apiKey) return undefined;
  if (!url || !apiKey) throw new ConfigError('EXCHANGE_URL and EXCHANGE_API_KEY go together: both to acknowledge deliveries, neither not to');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`EXCHANGE_URL=${url} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`EXCHANGE_URL=${url} must start with http:// or https://`);
  return { url: url.replace(/\/+$/, ''), apiKey };
}

/** A file path, not a directory nor SQLite's ":memory:": what was received must outlive the process. */
function dataFileSetting(env: NodeJS.ProcessEnv, fallback: string): string {
  const raw = env.PARTNER_DATA_FILE?.trim();
  if (!raw) return fallback;
  if (raw.includes('\0')) throw new ConfigError('PARTNER_DATA_FILE is not valid: it holds a NUL character');
  if (raw === ':memory:' || raw.startsWith('file:')) {
    throw new ConfigError(`PARTNER_DATA_FILE=${raw} is not valid: expected a file path, so that what was received outlives a restart`);
  }
  if (/[\\/]$/.test(raw) || /(^|[\\/])\.{1,2}$/.test(raw)) {
    throw new ConfigError(`PARTNER_DATA_FILE=${raw} is not valid: expected a file path, not a directory`);
  }
  return raw;
}

function booleanSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${name}=${raw} is not valid: expected true or false`);
  return raw === 'true';
}

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new ConfigError(`${name}=${raw} is not valid: expected a whole number from 1 to 999999999`);
  return Number(raw);
}
