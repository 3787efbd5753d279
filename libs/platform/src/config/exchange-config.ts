import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const EXCHANGE_CONFIG = Symbol('EXCHANGE_CONFIG');

export const EVENT_STORE_KINDS = ['sqlite'] as const;
export type EventStoreKind = (typeof EVENT_STORE_KINDS)[number];

export interface ExchangeConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly partiesFile: string;
  readonly eventStore: EventStoreKind;
  /** Requests per second each party may make; 0 turns the limit off. */
  readonly rateLimitPerSecond: number;
}

/** config/demo-parties.json of this repository, found upwards from here so that it works from the sources and from dist/. */
export const DEMO_PARTIES_FILE = findUpwards(__dirname, join('config', 'demo-parties.json'));

function findUpwards(from: string, relative: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) return resolve(relative);
  }
}

/** A setting that stops the process: its message is the one line printed. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExchangeConfig {
  return {
    port: integerSetting(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR?.trim() || './data'),
    partiesFile: resolve(env.CASE_EXCHANGE_PARTIES?.trim() || DEMO_PARTIES_FILE),
    eventStore: choiceSetting(env, 'EVENT_STORE', EVENT_STORE_KINDS, 'sqlite'),
    rateLimitPerSecond: integerSetting(env, 'RATE_LIMIT_PER_SECOND', 0, 0, 1_000_000),
  };
}

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} is not valid: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

function choiceSetting<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${raw} is not valid: expected one of ${choices.join(', ')}`);
  }
  return raw as T;
}
