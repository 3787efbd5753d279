import fc from 'fast-check';
import { exampleHeader, exampleMessage, FIXTURE_NOW, fixtureMessageId, realisticCaseOpened } from '../testing';
import { MAX_SENT_AT_AHEAD_MS } from './limits';
import { CmfValidationResult, validateCmfMessage } from './validate-cmf-message';
import { validateCmfMessageWithClassValidator } from './validation/class-validator-reference';
import * as vocabularies from './vocabularies';
import { MESSAGE_TYPES } from './vocabularies';

/**
 * The compiled validator against the reference, class-validator's own validation loop over the same decorators: for
 * valid messages of every type and for random mutations of them, both give the same verdict and the same violations,
 * in the same order, with the same messages.
 */

type Json = unknown;
type Step = string | number;
type Container = Record<string, unknown> | unknown[];

const NOW = FIXTURE_NOW;

/** 6,000 inputs; `CMF_DIFFERENTIAL_RUNS=20 npx jest --selectProjects unit --testPathPatterns differential` runs 120,000. */
const RUNS_FACTOR = Number(process.env.CMF_DIFFERENTIAL_RUNS ?? 1);
const runs = (numRuns: number): fc.Parameters<unknown> => ({ numRuns: Math.max(1, Math.round(numRuns * RUNS_FACTOR)) });

// ---- valid messages ---------------------------------------------------------------------------------------------

const aValidMessage: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...MESSAGE_TYPES).map((type) => exampleMessage(type)),
  fc
    .record({
      country: fc.constantFrom('IT', 'GR', 'EUROPOL', 'INTERPOL-GS'),
      year: fc.integer({ min: 2000, max: 2099 }),
      number: fc.integer({ min: 1, max: 999_999_999 }),
      messageNumber: fc.nat(),
      sender: fc.constantFrom('NCB-IT', 'EUROPOL', 'FRONTEX'),
      minutesBefore: fc.integer({ min: 0, max: 60 * 24 * 30 }),
    })
    .map(({ country, year, number, messageNumber, sender, minutesBefore }) =>
      realisticCaseOpened(`${country}-${year}-${number}`, fixtureMessageId(messageNumber), sender, new Date(NOW.getTime() - minutesBefore * 60_000)),
    ),
  // the smallest messages
  fc.constantFrom(...MESSAGE_TYPES).map((type) => {
    const { expectedCaseVersion: _version, ...header } = exampleHeader(type);
    const body = { ...exampleMessage(type).body } as Record<string, unknown>;
    return { header, body: type === 'case.opened' ? { title: body.title } : body };
  }),
);

// ---- mutations ----------------------------------------------------------------------------------------------------

/** A deep copy keeping what JSON.parse can make and structuredClone might not: own `__proto__` keys, null prototypes. */
function clone(value: Json): Json {
  if (Array.isArray(value)) return value.map(clone);
  if (typeof value !== 'object' || value === null) return value;
  const copy = (Object.getPrototypeOf(value) === null ? Object.create(null) : {}) as Record<string, unknown>;
  for (const key of Object.keys(value)) define(copy, key, clone((value as Record<string, unknown>)[key]));
  return copy;
}

function define(holder: Container, key: Step, value: unknown): void {
  Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
}

type Node = { readonly holder: Container | undefined; readonly key: Step | undefined; readonly value: unknown };

/** Every value of `root` with where it is held, `root` first. */
function nodesOf(root: Json): Node[] {
  const nodes: Node[] = [];
  const visit = (holder: Container | undefined, key: Step | undefined, value: unknown): void => {
    nodes.push({ holder, key, value });
    if (Array.isArray(value)) value.forEach((item, index) => visit(value, index, item));
    else if (typeof value === 'object' && value !== null) {
      for (const name of Object.keys(value)) visit(value as Container, name, (value as Record<string, unknown>)[name]);
    }
  };
  visit(undefined, undefined, root);
  return nodes;
}

const isLeaf = (node: Node) => typeof node.value !== 'object' || node.value === null;
const isObject = (node: Node) => typeof node.value === 'object' && node.value !== null && !Array.isArray(node.value);
const looksLikeDate = (node: Node) => typeof node.value === 'string' && /^\d{4}-\d\d-\d\d/.test(node.value);

/** What to do to a message; `pick` chooses the node among the candidates, whatever their number. */
type Mutation =
  | { readonly kind: 'drop'; readonly pick: number }
  | { readonly kind: 'unknown key'; readonly pick: number; readonly key: string; readonly value: Json }
  | { readonly kind: 'replace leaf' | 'replace node'; readonly pick: number; readonly value: Json }
  | { readonly kind: 'number' | 'date' | 'text' | 'vocabulary'; readonly pick: number; readonly value: Json }
  | { readonly kind: 'duplicate item'; readonly pick: number }
  | { readonly kind: 'same vocabulary'; readonly pick: number; readonly choice: number }
  | { readonly kind: 'copy leaf'; readonly pick: number; readonly from: number }
  | { readonly kind: 'list items'; readonly pick: number; readonly items: readonly (number | Json)[] }
  | { readonly kind: 'null prototype' | 'inherited fields'; readonly pick: number }
  | { readonly kind: 'message type'; readonly value: Json }
  | { readonly kind: 'sent at'; readonly minutes: number };

const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', 'a.b', '0', 'ref'),
  fc.string(),
);

const outOfRangeNumber = fc.oneof(
  fc.constantFrom(-1, -0.5, 0, -0, 0.5, 1.5, 90, 90.0001, -90.0001, 180, 180.0001, -180.0001, 1e308, -1e308, 2 ** 53, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1000, max: 1000 }),
);

const two = (n: number) => String(n).padStart(2, '0');
const badDate = fc.oneof(
  fc.constantFrom(
    '2026-02-30T09:30:00Z',
    '2023-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2026-03-14T24:00:00Z',
    '2026-03-14T23:59:60Z',
    '2026-03-14T09:30:00',
    '2026-03-14T09:30:00+0200',
    '2026-03-14T09:30:00+24:00',
    '2026-03-14T09:30:00.1234567890Z',
    '2026-03-14T09:30:00.Z',
    '2026-03-14 09:30:00Z',
    '2026-03-14',
    '2023-02-29',
    '2026-13-01',
    '1984-5-2',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999-23:59',
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.constantFrom('Z', 'z', '+01:00', '-05:30', '+23:59', '', '.5Z'),
      fc.boolean(),
    )
    .map(([year, month, day, hour, offset, dateOnly]) => {
      const date = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
      return dateOnly ? date : `${date}T${two(hour)}:30:00${offset}`;
    }),
);

const oddText = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(65), 'x'.repeat(201), 'x'.repeat(501), 'x'.repeat(2001), '😀'.repeat(200), '😀'.repeat(201)),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
);

const vocabularyLists = Object.values(vocabularies).filter((value) => Array.isArray(value)) as (readonly string[])[];
const vocabularyOf = (value: unknown): readonly string[] | undefined => vocabularyLists.find((list) => list.includes(value as string));

const anyVocabularyValue = fc.constantFrom(
  ...vocabularyLists.flat(),
  vocabularies.CMF_SCHEMA_VERSION,
  'NCB-XK',
  'NCB-GR',
  'EUROPOL',
  'OP-HYDRA-2026',
  'OTF-CENTRAL-MED',
  'IT-2026-000123',
  'GR-2026-77',
  'XK',
  'EUR',
  'P1',
  'P2',
);

const aMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('unknown key' as const), pick: fc.nat(), key: unknownKey, value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('replace leaf' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('replace node' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('number' as const), pick: fc.nat(), value: outOfRangeNumber }),
  fc.record({ kind: fc.constant('date' as const), pick: fc.nat(), value: badDate }),
  fc.record({ kind: fc.constant('text' as const), pick: fc.nat(), value: oddText }),
  fc.record({ kind: fc.constant('vocabulary' as const), pick: fc.nat(), value: anyVocabularyValue }),
  fc.record({ kind: fc.constant('duplicate item' as const), pick: fc.nat() }),
  // another value of the same list (a scope, a reason, a handling code…), which the other fields may no longer fit
  fc.record({ kind: fc.constant('same vocabulary' as const), pick: fc.nat(), choice: fc.nat() }),
  // the value of another leaf (header.caseId into body.otherCaseId, a ref into another item…)
  fc.record({ kind: fc.constant('copy leaf' as const), pick: fc.nat(), from: fc.nat() }),
  fc.record({
    kind: fc.constant('list items' as const),
    pick: fc.nat(),
    // an index repeats that item of the list; any other value is added as an item
    items: fc.array(fc.oneof(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constantFrom('null prototype' as const, 'inherited fields' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('message type' as const),
    value: fc.oneof(fc.constantFrom(...MESSAGE_TYPES), fc.jsonValue({ maxDepth: 1 })),
  }),
  fc.record({ kind: fc.constant('sent at' as const), minutes: fc.integer({ min: -60 * 24, max: 60 }) }),
);

function pickNode(message: Json, pick: number, candidate: (node: Node) => boolean): Node | undefined {
  const nodes = nodesOf(message).filter(candidate);
  return nodes.length === 0 ? undefined : nodes[pick % nodes.length];
}

/** `message` (a copy of it) changed by `mutation`; the root itself is replaced only by `replace node`. */
function mutate(message: Json, mutation: Mutation): Json {
  const copy = clone(message);
  const header = (node: Json) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>).header : undefined);
  switch (mutation.kind) {
    case 'message type':
    case 'sent at': {
      const held = header(copy);
      if (typeof held !== 'object' || held === null || Array.isArray(held)) return copy;
      const value = mutation.kind === 'sent at' ? new Date(NOW.getTime() + mutation.minutes * 60_000).toISOString() : mutation.value;
      define(held as Container, mutation.kind === 'sent at' ? 'sentAt' : 'type', value);
      return copy;
    }
    case 'null prototype':
    case 'inherited fields': {
      // an object that is not plain: without a prototype, or holding only every other field, inheriting the rest
      const node = pickNode(copy, mutation.pick, isObject);
      if (node === undefined) return copy;
      const inherited: Record<string, unknown> = {};
      const bare = (mutation.kind === 'null prototype' ? Object.create(null) : Object.create(inherited)) as Record<string, unknown>;
      Object.keys(node.value as object).forEach((key, index) => define(index % 2 === 0 ? bare : inherited, key, (node.value as Record<string, unknown>)[key]));
      if (node.holder === undefined) return bare;
      define(node.holder, node.key!, bare);
      return copy;
    }
    case 'unknown key': {
      const node = pickNode(copy, mutation.pick, isObject);
      if (node !== undefined) define(node.value as Container, mutation.key, mutation.value);
      return copy;
    }
    case 'duplicate item': {
      const node = pickNode(copy, mutation.pick, (candidate) => Array.isArray(candidate.value) && candidate.value.length > 0);
      const list = node?.value as unknown[] | undefined;
      if (list !== undefined) list.push(clone(list[mutation.pick % list.length]));
      return copy;
    }
    case 'list items': {
      const node = pickNode(copy, mutation.pick, (candidate) => Array.isArray(candidate.value));
      if (node === undefined) return copy;
      const list = node.value as unknown[];
      for (const item of mutation.items) {
        const repeated = typeof item === 'number' && list.length > 0 ? clone(list[item % list.length]) : clone(item);
        list.splice(typeof item === 'number' ? item % (list.length + 1) : list.length, 0, repeated);
      }
      return copy;
    }
    case 'same vocabulary': {
      const node = pickNode(copy, mutation.pick, (candidate) => candidate.holder !== undefined && vocabularyOf(candidate.value) !== undefined);
      if (node === undefined) return copy;
      const list = vocabularyOf(node.value)!;
      define(node.holder!, node.key!, list[mutation.choice % list.length]);
      return copy;
    }
    case 'copy leaf': {
      const leaves = nodesOf(copy).filter((candidate) => candidate.holder !== undefined && isLeaf(candidate));
      if (leaves.length === 0) return copy;
      const target = leaves[mutation.pick % leaves.length];
      define(target.holder!, target.key!, leaves[mutation.from % leaves.length].value);
      return copy;
    }
    case 'drop': {
      const node = pickNode(copy, mutation.pick, (candidate) => candidate.holder !== undefined);
      if (node === undefined) return copy;
      if (Array.isArray(node.holder)) node.holder.splice(node.key as number, 1);
      else delete (node.holder as Record<string, unknown>)[node.key as string];
      return copy;
    }
    default: {
      const candidate = mutation.kind === 'replace node' ? () => true : mutation.kind === 'date' ? (node: Node) => looksLikeDate(node) || isLeaf(node) : isLeaf;
      const nodes = nodesOf(copy).filter(candidate);
      // a date goes preferably where there is a date already
      const dates = mutation.kind === 'date' ? nodes.filter(looksLikeDate) : [];
      const pool = dates.length > 0 && mutation.pick % 4 !== 0 ? dates : nodes;
      const node = pool[mutation.pick % pool.length] as Node | undefined;
      if (node === undefined) return copy;
      if (node.holder === undefined) return clone(mutation.value);
      define(node.holder, node.key!, clone(mutation.value));
      return copy;
    }
  }
}

/** Messages whose fields that depend on each other take every combination: handling, distribution, bodies. */
const aCrossFieldMessage: fc.Arbitrary<Json> = fc
  .record({
    type: fc.constantFrom(...MESSAGE_TYPES),
    handling: fc.record(
      { code: fc.constantFrom(...vocabularies.HANDLING_CODES), conditions: fc.constantFrom('Only for OP-HYDRA-2026.', '') },
      { requiredKeys: ['code'] },
    ),
    distribution: fc.record(
      {
        scope: fc.constantFrom(...vocabularies.DISTRIBUTION_SCOPES),
        recipients: fc.constantFrom(['NCB-GR'], [], ['NCB-GR', 'NCB-GR']),
        operations: fc.constantFrom(['OP-HYDRA-2026'], []),
        taskForces: fc.constantFrom(['OTF-CENTRAL-MED'], ['OP-X']),
      },
      { requiredKeys: ['scope'] },
    ),
    inReplyTo: fc.constantFrom(fixtureMessageId(2), null, undefined, 'not-a-uuid'),
    caseId: fc.constantFrom('IT-2026-000123', 'IT-2026-000124'),
    body: fc.record(
      {
        title: fc.constantFrom('T', ''),
        summary: fc.constant('S'),
        otherCaseId: fc.constantFrom('IT-2026-000123', 'IT-2026-000124', 'GR-26-1'),
        relation: fc.constantFrom(...vocabularies.LINK_RELATIONS),
        operationId: fc.constantFrom('OP-HYDRA-2026', 'OTF-X'),
        taskForceId: fc.constantFrom('OTF-CENTRAL-MED', 'OP-X'),
        reason: fc.constantFrom(...vocabularies.CLOSE_REASONS),
        mergedInto: fc.constantFrom('IT-2026-000123', 'IT-2026-000124', 'IT-2026'),
        question: fc.constant('Q?'),
        to: fc.constantFrom(['NCB-GR'], []),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ type, handling, distribution, inReplyTo, caseId, body }) => {
    const header: Record<string, unknown> = { ...exampleHeader(type), caseId, handling, distribution, inReplyTo };
    if (inReplyTo === undefined) delete header.inReplyTo;
    return { header, body };
  });

const aMutatedMessage = fc
  .tuple(aValidMessage, fc.array(aMutation, { minLength: 1, maxLength: 4 }))
  .map(([message, mutations]) => mutations.reduce(mutate, message));

// ---- comparing --------------------------------------------------------------------------------------------------

/** class-validator reads the `constructor` of a raw object inside a list inside a nested list (see the reference). */
function isKnownClassValidatorCrash(input: Json): boolean {
  return nodesOf(input).some(
    (node) => isObject(node) && Object.hasOwn(node.value as object, 'constructor') && (node.value as { constructor: unknown }).constructor == null,
  );
}

/** Both validators agree on `input`; `false` when the reference cannot tell (its known crash). */
function expectSameResult(input: Json, now: Date = NOW): boolean {
  const compiled = validateCmfMessage(input, { now });
  let reference: CmfValidationResult;
  try {
    reference = validateCmfMessageWithClassValidator(input, { now });
  } catch (error) {
    if (isKnownClassValidatorCrash(input)) return false;
    throw error;
  }
  expect(compiled).toEqual(reference);
  if (compiled.ok) expect(compiled.message).toBe(input);
  return true;
}

describe('the compiled validator agrees with class-validator', () => {
  it('on valid messages of every type', () => {
    fc.assert(
      fc.property(aValidMessage, (message) => {
        expectSameResult(message);
        expect(validateCmfMessage(message, { now: NOW }).ok).toBe(true);
      }),
      runs(300),
    );
  });

  it('on messages with one to four random mutations', () => {
    fc.assert(
      fc.property(aMutatedMessage, (message) => {
        expectSameResult(message);
      }),
      runs(2500),
    );
  });

  it('on every combination of the fields that depend on each other', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          aCrossFieldMessage,
          fc.tuple(aCrossFieldMessage, aMutation).map(([message, mutation]) => mutate(message, mutation)),
        ),
        (message) => {
          expectSameResult(message);
        },
      ),
      runs(1000),
    );
  });

  it('on mutated messages parsed from JSON, with a receipt time of their own', () => {
    const parsed = aMutatedMessage.map((message) => {
      const text = JSON.stringify(message);
      return text === undefined ? message : JSON.parse(text);
    });
    const now = fc.integer({ min: -10, max: 10 }).map((minutes) => new Date(NOW.getTime() + minutes * 60_000));
    fc.assert(
      fc.property(parsed, now, (message, receivedAt) => {
        expectSameResult(message, receivedAt);
      }),
      runs(1000),
    );
  });

  it('on arbitrary JSON, and on objects with a header and a body of arbitrary JSON', () => {
    const header = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(...MESSAGE_TYPES).map((type) => exampleHeader(type)),
    );
    const headerAndBody = fc.record({ header, body: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), headerAndBody), (input) => {
        expectSameResult(input);
      }),
      runs(1000),
    );
  });

  it('on sentAt around the limit of the time of receipt', () => {
    fc.assert(
      fc.property(aValidMessage, fc.integer({ min: -2 * 60_000, max: 2 * 60_000 }), (message, offsetMs) => {
        const copy = clone(message) as { header: Container };
        define(copy.header, 'sentAt', new Date(NOW.getTime() + MAX_SENT_AT_AHEAD_MS + offsetMs).toISOString());
        expectSameResult(copy);
      }),
      runs(200),
    );
  });
});

describe('the compiled validator agrees with class-validator on inputs once found by the properties', () => {
  it('a header whose type and caseId are inherited, not own (class-validator sees neither)', () => {
    const { type, caseId, ...own } = exampleHeader('case.closed');
    const header = Object.assign(Object.create({ type, caseId }), own);
    const body = { reason: 'merged', mergedInto: caseId };
    expect(expectSameResult({ header, body })).toBe(true);
    expect(validateCmfMessage({ header, body }, { now: NOW })).toEqual({
      ok: false,
      violations: [
        { path: 'header.type', rule: 'required', message: 'is required' },
        { path: 'header.caseId', rule: 'required', message: 'is required' },
      ],
    });
  });
});

describe('the compiled validator where class-validator fails', () => {
  it.each(['header.handling', 'body.persons'])('does not throw on a list of lists of objects at %s', (path) => {
    const message = exampleMessage('case.opened') as unknown as Record<string, Record<string, unknown>>;
    const [holder, field] = path.split('.');
    message[holder][field] = JSON.parse('[[{"constructor": null}]]');
    const atItem = path === 'body.persons' ? `${path}[0]` : path;
    expect(validateCmfMessage(message, { now: NOW })).toEqual({
      ok: false,
      violations: [{ path: atItem, rule: 'type', message: 'must be an object' }],
    });
  });
});
