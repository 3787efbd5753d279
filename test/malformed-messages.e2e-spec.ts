import fc from 'fast-check';
import { EVENT_STORE, EventStore } from '@cmx/event-store';
import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Step = string | number;

/** Every path to a value inside `value`, containers included. */
function pathsOf(value: Json, prefix: Step[] = []): Step[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  }
  return [prefix];
}

const at = (root: Json, path: Step[]): Json => path.reduce<Json>((node, step) => (node as never)[step], root);
const kind = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function setAt(root: Json, path: Step[], value: Json): Json {
  const copy = structuredClone(root);
  const holder = at(copy, path.slice(0, -1)) as Record<Step, Json>;
  Object.defineProperty(holder, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const REQUIRED_PATHS: Step[][] = [
  ['header'],
  ['body'],
  ['header', 'messageId'],
  ['header', 'schemaVersion'],
  ['header', 'type'],
  ['header', 'sender'],
  ['header', 'sentAt'],
  ['header', 'caseId'],
  ['header', 'priority'],
  ['header', 'handling'],
  ['header', 'distribution'],
  ['header', 'evaluation'],
  ['body', 'title'],
  ['body', 'persons', 0, 'ref'],
  ['body', 'route', 'legs', 0, 'mode'],
];

describe('malformed messages (property-based, over HTTP)', () => {
  let exchange: InProcessExchange;
  let client: ExchangeClient;
  let store: EventStore;

  beforeAll(async () => {
    exchange = await startInProcessExchange();
    client = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    store = exchange.app.get(EVENT_STORE);
  });
  afterAll(() => exchange.close());

  const valid = () => messageOf('case.opened', { caseId: newCaseId() }) as unknown as Json;

  const unknownKey = fc
    .tuple(fc.nat(), fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.jsonValue())
    .map(([pick, key, value]) => {
      const message = valid();
      const objects = pathsOf(message).filter((path) => kind(at(message, path)) === 'object');
      const target = objects[pick % objects.length];
      const existing = at(message, target) as Record<string, Json>;
      const name = Object.prototype.hasOwnProperty.call(existing, key) ? `${key}_x` : key;
      return setAt(message, [...target, name], value as Json);
    });

  const retypedLeaf = fc
    .tuple(fc.nat(), fc.jsonValue())
    .map(([pick, value]) => {
      const message = valid();
      const leaves = pathsOf(message).filter((path) => path.length > 0 && !['object', 'array', 'null'].includes(kind(at(message, path))));
      const target = leaves[pick % leaves.length];
      return { message, target, value: value as Json };
    })
    .filter(({ message, target, value }) => value !== null && kind(value) !== kind(at(message, target)))
    .map(({ message, target, value }) => setAt(message, target, value));

  const droppedField = fc.nat().map((pick) => {
    const message = valid();
    const path = REQUIRED_PATHS[pick % REQUIRED_PATHS.length];
    const copy = structuredClone(message);
    delete (at(copy, path.slice(0, -1)) as Record<Step, Json>)[path[path.length - 1]];
    return copy;
  });

  const anything = fc.jsonValue().filter((value) => kind(value as Json) !== 'object' || !('header' in (value as object)));

  it('refuses every one with a 4xx JSON error, stores nothing and stays healthy', async () => {
    const before = await store.headPosition();
    await fc.assert(
      fc.asyncProperty(fc.oneof(unknownKey, retypedLeaf, droppedField, anything), async (malformed) => {
        const answer = await client.request('POST', '/v1/messages', JSON.stringify(malformed));
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(typeof answer.body.error).toBe('string');
      }),
      { numRuns: 300 },
    );
    expect(await store.headPosition()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await client.request('GET', '/health')).status).toBe(200);
    expect((await client.post(valid())).status).toBe(201);
  }, 60_000);
});
