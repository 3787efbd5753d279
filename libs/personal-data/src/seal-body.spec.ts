import fc from 'fast-check';
import {
  CLOSE_REASONS,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  GENDERS,
  IDENTIFIER_TYPES,
  LINK_RELATIONS,
  PAYMENT_METHODS,
  PAYMENT_STAGES,
  PERSON_ROLES,
} from '@cmx/contracts';
import { exampleMessage, FIXTURE_CASE_ID } from '@cmx/contracts/testing';
import { newDataKey, type DataKey } from './data-key-cipher';
import { keyAccess, type CaseKeys } from './key-store.port';
import { CASE_TEXT_KEY, hasSealedValues, isSealed, openBody, refsToSeal, sealBody, type KeyAccess, type Sealed, type Withheld } from './seal-body';

type Json = Record<string, unknown>;

const STAR = CASE_TEXT_KEY;
const OTHER_CASE_ID = 'GR-2026-000777';
const TEXT_FIELDS = ['title', 'summary', 'note', 'question'] as const;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A fresh key for every ref asked for, the same one each time. */
function keyRing(): { keyOf: (ref: string) => DataKey; keys: Map<string, DataKey> } {
  const keys = new Map<string, DataKey>();
  return {
    keys,
    keyOf: (ref) => {
      if (!keys.has(ref)) keys.set(ref, newDataKey());
      return keys.get(ref)!;
    },
  };
}

/** Access with every key of the ring, except the refs withheld (and any ref the ring has no key of, as keyAccess does). */
function accessOf(keys: ReadonlyMap<string, DataKey>, withheld: ReadonlyMap<string, Withheld> = new Map()): KeyAccess {
  return { key: (ref) => withheld.get(ref) ?? keys.get(ref) ?? 'erased', plain: (ref) => withheld.get(ref) };
}

const pick = (item: Json, fields: readonly string[]): Json =>
  Object.fromEntries(fields.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]));

/**
 * The body as a reader withheld these refs should see it, written from the rule rather than from the code: a person, a
 * document held by a person (its own holderRef, or the one an earlier message gave it), a payment naming a person and
 * the free text read as a placeholder when a ref they need is withheld ('erased' before 'restricted').
 */
function expectedView(body: Json, documentHolders: Readonly<Record<string, string>>, withheld: ReadonlyMap<string, Withheld>): Json {
  const worst = (refs: readonly (string | undefined)[]): Withheld | undefined => {
    const reasons = refs.filter((ref): ref is string => ref !== undefined).map((ref) => withheld.get(ref));
    return reasons.includes('erased') ? 'erased' : reasons.includes('restricted') ? 'restricted' : undefined;
  };
  const view: Json = { ...body };
  if (Array.isArray(body.persons)) {
    view.persons = (body.persons as Json[]).map((person) => {
      const reason = worst([person.ref as string]);
      return reason ? { ref: person.ref, [reason]: true } : person;
    });
  }
  if (Array.isArray(body.documents)) {
    view.documents = (body.documents as Json[]).map((document) => {
      const reason = worst([(document.holderRef as string | undefined) ?? documentHolders[document.ref as string]]);
      return reason ? { ref: document.ref, [reason]: true } : document;
    });
  }
  if (Array.isArray(body.payments)) {
    view.payments = (body.payments as Json[]).map((payment) => {
      const reason = worst([payment.payerRef as string | undefined, payment.payeeRef as string | undefined]);
      return reason ? { ...pick(payment, ['payerRef', 'payeeRef']), [reason]: true } : payment;
    });
  }
  for (const field of TEXT_FIELDS) {
    const reason = worst([STAR]);
    if (typeof body[field] === 'string' && reason) view[field] = { [reason]: true };
  }
  return view;
}

/** Every sealed value of a sealed body, where it is. */
function sealedValuesOf(body: Json): Sealed[] {
  const found: Sealed[] = [];
  for (const field of ['persons', 'documents', 'payments']) {
    if (Array.isArray(body[field])) for (const item of body[field] as unknown[]) if (isSealed(item)) found.push(item.sealed);
  }
  for (const field of TEXT_FIELDS) if (isSealed(body[field])) found.push((body[field] as { sealed: Sealed }).sealed);
  return found;
}

/** How a value shows in JSON text (quotes, backslashes, control characters escaped), without its quotes. */
const asInJson = (value: string): string => JSON.stringify(value).slice(1, -1);

// ---- generated messages -------------------------------------------------------------------------------

/**
 * Personal values start with a tag no clear field of a generated body holds and no base64 text can hold (Ž), so
 * finding one in the sealed JSON text means it leaked. Tails are any UTF-16 code units: quotes, control
 * characters, lone surrogates, so that the round trip is tested for exactness.
 */
const SEALED_TAG = 'Ž';
const personal = (kind: string) => fc.string({ unit: 'binary', maxLength: 12 }).map((tail) => `${SEALED_TAG}${kind}·${tail}`);
/** The number of a document that nobody holds: stays clear. */
const CLEAR_TAG = 'Ẍ';
const clearNumber = fc.string({ unit: 'binary', maxLength: 8 }).map((tail) => `${CLEAR_TAG}NUM·${tail}`);
const dateOfBirth = fc
  .record({ year: fc.integer({ min: 1900, max: 1999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);

/** Refs that an earlier message of the case named, not this one. */
const EARLIER_REFS = ['P90', 'P91'];

interface Sample {
  readonly caseId: string;
  readonly body: Json;
  /** The holders of documents that earlier messages of the case named. */
  readonly documentHolders: Record<string, string>;
  /** Every value that must not be readable in the sealed body. */
  readonly personalValues: readonly string[];
  /** Values that must stay clear (documents nobody holds). */
  readonly clearValues: readonly string[];
}

const person = (ref: string) =>
  fc.record(
    {
      ref: fc.constant(ref),
      role: fc.constantFrom(...PERSON_ROLES),
      familyName: personal('FAMILY'),
      givenNames: personal('GIVEN'),
      dateOfBirth,
      nationalities: fc.subarray(['LY', 'ER', 'SD', 'NE']),
      gender: fc.constantFrom(...GENDERS),
      aliases: fc.array(personal('ALIAS'), { maxLength: 2 }),
      identifiers: fc.array(fc.record({ type: fc.constantFrom(...IDENTIFIER_TYPES), value: personal('ID') }, { noNullPrototype: true }), { maxLength: 3 }),
    },
    { noNullPrototype: true, requiredKeys: ['ref', 'role'] },
  );

type Holding = { readonly kind: 'none' } | { readonly kind: 'inline' | 'earlier'; readonly holder: string };

const travelDocument = (ref: string, holders: readonly string[]) =>
  fc
    .oneof(
      fc.constant<Holding>({ kind: 'none' }),
      fc.record({ kind: fc.constantFrom('inline' as const, 'earlier' as const), holder: fc.constantFrom(...holders) }, { noNullPrototype: true }),
    )
    .chain((holding) =>
      fc
        .record(
          {
            type: fc.constantFrom(...DOCUMENT_TYPES),
            number: holding.kind === 'none' ? clearNumber : personal('DOCNUM'),
            issuingCountry: fc.constantFrom('SY', 'LY'),
            status: fc.constantFrom(...DOCUMENT_STATUSES),
          },
          { noNullPrototype: true, requiredKeys: ['type', 'number'] },
        )
        .map((fields) => ({ holding, document: { ref, ...fields, ...(holding.kind === 'inline' ? { holderRef: holding.holder } : {}) } as Json })),
    );

const payment = (refs: readonly string[]) =>
  fc.record(
    {
      method: fc.constantFrom(...PAYMENT_METHODS),
      amount: fc.integer({ min: 1, max: 100_000 }),
      currency: fc.constantFrom('EUR', 'USD', 'LYD'),
      stage: fc.constantFrom(...PAYMENT_STAGES),
      payerRef: fc.constantFrom(...refs),
      payeeRef: fc.constantFrom(...refs),
    },
    { noNullPrototype: true, requiredKeys: ['method'] },
  );

const caseId = fc.integer({ min: 1, max: 999_999 }).map((n) => `IT-2026-${String(n).padStart(6, '0')}`);

/** A case.opened / case.updated / information.provided body: persons, documents (held or not, some held by a holder an earlier message named), payments, free text. */
const caseReport: fc.Arbitrary<Sample> = fc
  .record({
    persons: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }),
    documents: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }),
  })
  .chain(({ persons: personNumbers, documents: documentNumbers }) => {
    const personRefs = personNumbers.map((n) => `P${n}`);
    const namable = [...personRefs, ...EARLIER_REFS];
    return fc.record(
      {
        caseId,
        persons: fc.tuple(...personRefs.map(person)),
        documents: fc.tuple(...documentNumbers.map((n) => travelDocument(`D${n}`, namable))),
        payments: fc.array(payment(namable), { maxLength: 3 }),
        title: personal('TITLE'),
        summary: personal('SUMMARY'),
        crimeAreas: fc.subarray(['migrant_smuggling', 'document_fraud', 'money_laundering'], { minLength: 1 }),
        vehicles: fc.constant([{ ref: 'V1', plate: 'AB123CD', registrationCountry: 'BG', kind: 'lorry' }]),
        migrants: fc.record({ count: fc.integer({ min: 0, max: 80 }), minors: fc.integer({ min: 0, max: 10 }) }, { noNullPrototype: true }),
        /** Unrelated holders an earlier message named, of documents not in this one. */
        unrelatedHolders: fc.boolean(),
      },
      { noNullPrototype: true, requiredKeys: ['caseId', 'persons', 'documents', 'payments', 'crimeAreas', 'unrelatedHolders'] },
    );
  })
  .chain((drawn) =>
    fc
      .record({ withPersons: fc.boolean(), withDocuments: fc.boolean(), withPayments: fc.boolean() })
      .map(({ withPersons, withDocuments, withPayments }): Sample => {
        const { caseId: id, persons, documents, payments, unrelatedHolders, ...rest } = drawn;
        const body: Json = { ...rest };
        if (withPersons || persons.length > 0) body.persons = persons;
        if (withDocuments || documents.length > 0) body.documents = documents.map((entry) => entry.document);
        if (withPayments || payments.length > 0) body.payments = payments;
        const documentHolders: Record<string, string> = unrelatedHolders ? { D77: 'P1', D78: 'P91' } : {};
        for (const { holding, document } of documents) if (holding.kind === 'earlier') documentHolders[document.ref as string] = holding.holder;
        return {
          caseId: id,
          body,
          documentHolders,
          personalValues: [
            ...stringsOf(body).filter((value) => value.startsWith(SEALED_TAG)),
            ...persons.flatMap((each) => (each.dateOfBirth ? [each.dateOfBirth] : [])),
          ],
          clearValues: stringsOf(body).filter((value) => value.startsWith(CLEAR_TAG)),
        };
      }),
  );

const freeTextBody = (fields: fc.Arbitrary<Json>): fc.Arbitrary<Sample> =>
  fc.record({ caseId, body: fields }).map(({ caseId: id, body }) => ({
    caseId: id,
    body,
    documentHolders: {},
    personalValues: stringsOf(body).filter((value) => value.startsWith(SEALED_TAG)),
    clearValues: [],
  }));

/** case.linked, case.closed (a note or none), information.requested (a question). */
const caseLinked = freeTextBody(
  fc.record(
    { otherCaseId: fc.constant('GR-2026-77'), relation: fc.constantFrom(...LINK_RELATIONS), note: personal('NOTE') },
    { noNullPrototype: true, requiredKeys: ['otherCaseId', 'relation'] },
  ),
);
const caseClosed = freeTextBody(
  fc.record(
    { reason: fc.constantFrom(...CLOSE_REASONS), mergedInto: fc.constant('IT-2026-000124'), note: personal('NOTE') },
    { noNullPrototype: true, requiredKeys: ['reason'] },
  ),
);
const informationRequested = freeTextBody(
  fc.record({ question: personal('QUESTION'), to: fc.constant(['NCB-GR', 'EUROPOL']), dueBy: fc.constant('2026-03-20T17:00:00Z') }, { noNullPrototype: true }),
);

const anyBody: fc.Arbitrary<Sample> = fc.oneof(
  { arbitrary: caseReport, weight: 4 },
  { arbitrary: caseLinked, weight: 1 },
  { arbitrary: caseClosed, weight: 1 },
  { arbitrary: informationRequested, weight: 1 },
);

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}

/** A sample with, for each ref it names, whether its key is given, withheld as erased, or withheld as restricted. */
const withWithheld = (samples: fc.Arbitrary<Sample>) =>
  samples.chain((sample) => {
    const refs = refsToSeal(sample.body, sample.documentHolders);
    return fc
      .tuple(...refs.map(() => fc.constantFrom<Withheld | 'key'>('key', 'key', 'erased', 'restricted')))
      .map((choices) => ({ sample, withheld: new Map(refs.flatMap((ref, i) => (choices[i] === 'key' ? [] : [[ref, choices[i] as Withheld] as const]))) }));
  });

const sealed = (sample: Sample) => {
  const ring = keyRing();
  const body = sealBody(sample.caseId, sample.body, ring.keyOf, sample.documentHolders) as Json;
  return { ring, body };
};

// ---- the tests ------------------------------------------------------------------------------------------

describe('refsToSeal', () => {
  it('names each person, each document holder (its own or the one an earlier message named), each payment party once, and * for free text', () => {
    const body = {
      title: 'x',
      persons: [{ ref: 'P1' }, { ref: 'P2' }],
      documents: [{ ref: 'D1', holderRef: 'P2' }, { ref: 'D2' }, { ref: 'D3' }],
      payments: [{ payerRef: 'P3', payeeRef: 'P1' }, { payeeRef: 'P4' }, { method: 'cash' }],
    };

    expect(refsToSeal(body, { D2: 'P5', D9: 'P6' }).sort()).toEqual([STAR, 'P1', 'P2', 'P3', 'P4', 'P5'].sort());
    expect(refsToSeal(body).sort()).toEqual([STAR, 'P1', 'P2', 'P3', 'P4'].sort());
  });

  it('names nothing for a body without persons, held documents, payment parties or free text', () => {
    expect(refsToSeal({ operationId: 'OP-HYDRA-2026', taskForceId: 'OTF-CENTRAL-MED' })).toEqual([]);
    expect(refsToSeal({ documents: [{ ref: 'D1' }], payments: [{ method: 'cash' }], note: null })).toEqual([]);
  });

  it('names * for each free-text field: note (case.linked, case.closed), question (information.requested), summary', () => {
    expect(refsToSeal(exampleMessage('case.linked').body)).toEqual([STAR]);
    expect(refsToSeal(exampleMessage('case.closed').body)).toEqual([STAR]);
    expect(refsToSeal(exampleMessage('information.requested').body)).toEqual([STAR]);
    expect(refsToSeal(exampleMessage('information.provided').body)).toEqual([STAR]);
  });
});

describe('sealBody and openBody', () => {
  const caseOpened = () => exampleMessage('case.opened').body as unknown as Json;

  it('seals the persons, the held documents, the payments naming persons and the free text; the rest stays clear', () => {
    const body = caseOpened();
    const before = structuredClone(body);
    const ring = keyRing();

    const sealedBody = sealBody(FIXTURE_CASE_ID, body, ring.keyOf) as Json;

    expect(body).toStrictEqual(before); // the input is left alone
    const sealedValue = (refs: string[]) => ({ for: refs, data: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    expect(sealedBody).toStrictEqual({
      ...before,
      title: { sealed: sealedValue([STAR]) },
      summary: { sealed: sealedValue([STAR]) },
      persons: [
        { ref: 'P1', sealed: sealedValue(['P1']) },
        { ref: 'P2', sealed: sealedValue(['P2']) },
      ],
      documents: [{ ref: 'D1', holderRef: 'P1', sealed: sealedValue(['P1']) }],
      payments: [{ payerRef: 'P2', payeeRef: 'P1', sealed: sealedValue(['P2', 'P1']) }],
    });
    expect([...ring.keys.keys()].sort()).toEqual([STAR, 'P1', 'P2'].sort());
    const text = JSON.stringify(sealedBody);
    // Quoted where a short value could also be a run of base64 characters.
    for (const secret of ['"DOE"', '"JOHN"', '1984-05-02', 'Abu J', '+218911234567', 'X1234567', 'beach towards Lampedusa', 'Rubber dinghy'])
      expect(text).not.toContain(secret);
  });

  it('opens a sealed body with every key to exactly the body that was sealed', () => {
    const ring = keyRing();
    const sealedBody = sealBody(FIXTURE_CASE_ID, caseOpened(), ring.keyOf);

    expect(openBody(FIXTURE_CASE_ID, sealedBody, accessOf(ring.keys))).toStrictEqual(caseOpened());
  });

  it('leaves a body that names no person and has no free text as it is, and unsealed documents and payments as they are', () => {
    const ring = keyRing();
    const assigned = exampleMessage('case.assigned').body as unknown as Json;
    expect(sealBody(FIXTURE_CASE_ID, assigned, ring.keyOf)).toStrictEqual(assigned);

    const body = { documents: [{ ref: 'D1', type: 'passport', number: 'X1' }], payments: [{ method: 'cash', amount: 10 }] };
    const sealedBody = sealBody(FIXTURE_CASE_ID, body, ring.keyOf) as Json;
    expect(sealedBody).toStrictEqual(body);
    expect(hasSealedValues(sealedBody)).toBe(false);
    expect(ring.keys.size).toBe(0);
  });

  it('seals a document whose holder only an earlier message named under that holder’s key, and names the holder in clear', () => {
    const ring = keyRing();
    const body = { documents: [{ ref: 'D4', type: 'passport', number: 'X4444444' }] };

    const sealedBody = sealBody(FIXTURE_CASE_ID, body, ring.keyOf, { D4: 'P3' }) as Json;

    expect(sealedBody.documents).toEqual([{ ref: 'D4', holderRef: 'P3', sealed: { for: ['P3'], data: expect.any(String) } }]);
    expect(JSON.stringify(sealedBody)).not.toContain('X4444444');
    expect(openBody(FIXTURE_CASE_ID, sealedBody, accessOf(ring.keys))).toStrictEqual(body);
    expect(openBody(FIXTURE_CASE_ID, sealedBody, accessOf(ring.keys, new Map([['P3', 'erased']])))).toStrictEqual({ documents: [{ ref: 'D4', erased: true }] });
  });

  it('seals a payment whose payer and payee are one person under that key once', () => {
    const ring = keyRing();
    const sealedBody = sealBody(FIXTURE_CASE_ID, { payments: [{ method: 'cash', payerRef: 'P1', payeeRef: 'P1' }] }, ring.keyOf) as Json;

    expect(sealedBody.payments).toEqual([{ payerRef: 'P1', payeeRef: 'P1', sealed: { for: ['P1'], data: expect.any(String) } }]);
  });

  it('shows the placeholders of what a reader may not open: erased before restricted, the free text when * is withheld', () => {
    const ring = keyRing();
    const sealedBody = sealBody(FIXTURE_CASE_ID, caseOpened(), ring.keyOf);
    const open = (withheld: [string, Withheld][]) => openBody(FIXTURE_CASE_ID, sealedBody, accessOf(ring.keys, new Map(withheld))) as Json;

    expect(open([['P1', 'erased']])).toMatchObject({
      title: caseOpened().title,
      persons: [{ ref: 'P1', erased: true }, (caseOpened().persons as Json[])[1]],
      documents: [{ ref: 'D1', erased: true }],
      payments: [{ payerRef: 'P2', payeeRef: 'P1', erased: true }],
    });
    expect(open([['P2', 'restricted']])).toMatchObject({
      persons: [(caseOpened().persons as Json[])[0], { ref: 'P2', restricted: true }],
      documents: caseOpened().documents,
      payments: [{ payerRef: 'P2', payeeRef: 'P1', restricted: true }],
    });
    expect(
      (
        open([
          ['P2', 'restricted'],
          ['P1', 'erased'],
        ]) as Json
      ).payments,
    ).toStrictEqual([{ payerRef: 'P2', payeeRef: 'P1', erased: true }]);
    expect(open([[STAR, 'erased']])).toMatchObject({ title: { erased: true }, summary: { erased: true }, persons: caseOpened().persons });
    expect(open([[STAR, 'restricted']])).toMatchObject({ title: { restricted: true }, summary: { restricted: true } });
  });

  it('opens with the keys as keyAccess gives them from what a key store answers', () => {
    const ring = keyRing();
    const sealedBody = sealBody(FIXTURE_CASE_ID, caseOpened(), ring.keyOf);
    const { P1: _erased, ...live } = Object.fromEntries(ring.keys);
    const caseKeys: CaseKeys = {
      owner: 'NCB-IT',
      keys: new Map(Object.entries(live)),
      restricted: new Set(['P2']),
      erased: new Set(['P1']),
      wholeCaseErased: false,
    };

    expect(openBody(FIXTURE_CASE_ID, sealedBody, keyAccess(caseKeys, { reader: 'NCB-IT' }))).toMatchObject({
      persons: [{ ref: 'P1', erased: true }, (caseOpened().persons as Json[])[1]],
    });
    expect(openBody(FIXTURE_CASE_ID, sealedBody, keyAccess(caseKeys, 'public'))).toMatchObject({
      persons: [
        { ref: 'P1', erased: true },
        { ref: 'P2', restricted: true },
      ],
      title: caseOpened().title,
    });
    expect(openBody(FIXTURE_CASE_ID, sealedBody, keyAccess({ ...caseKeys, wholeCaseErased: true }, 'everything'))).toMatchObject({
      title: { erased: true },
      persons: [
        { ref: 'P1', erased: true },
        { ref: 'P2', erased: true },
      ],
    });
  });

  it('refuses to open with a wrong key, or a sealed value relabelled for another ref', () => {
    const ring = keyRing();
    const sealedBody = sealBody(FIXTURE_CASE_ID, caseOpened(), ring.keyOf) as Json;

    const wrongKeys = new Map(ring.keys).set('P1', newDataKey());
    expect(() => openBody(FIXTURE_CASE_ID, sealedBody, accessOf(wrongKeys))).toThrow();

    const [first, second] = sealedBody.persons as { ref: string; sealed: Sealed }[];
    const relabelled = { ...sealedBody, persons: [first, { ref: second.ref, sealed: { ...first.sealed, for: [second.ref] } }] };
    expect(() => openBody(FIXTURE_CASE_ID, relabelled, accessOf(ring.keys))).toThrow();
  });

  it('returns a value that is not an object as it is, and a plain body with nothing withheld as the same object', () => {
    const access = accessOf(new Map());
    expect(openBody(FIXTURE_CASE_ID, null, access)).toBeNull();
    expect(openBody(FIXTURE_CASE_ID, 'text', access)).toBe('text');
    const body = caseOpened();
    expect(openBody(FIXTURE_CASE_ID, body, access)).toBe(body);
  });

  it('hasSealedValues says whether a body holds any sealed value', () => {
    const ring = keyRing();
    expect(hasSealedValues(null)).toBe(false);
    expect(hasSealedValues(caseOpened())).toBe(false);
    expect(hasSealedValues(sealBody(FIXTURE_CASE_ID, caseOpened(), ring.keyOf))).toBe(true);
    expect(hasSealedValues(sealBody(FIXTURE_CASE_ID, { note: 'x' }, ring.keyOf))).toBe(true);
  });

  it('withholds from a plain body (stored before encryption) what names an erased or restricted ref, and * for its free text', () => {
    const body = caseOpened();
    const open = (withheld: [string, Withheld][]) => openBody(FIXTURE_CASE_ID, body, accessOf(new Map(), new Map(withheld))) as Json;

    expect(open([['P1', 'erased']])).toStrictEqual({
      ...caseOpened(),
      persons: [{ ref: 'P1', erased: true }, (caseOpened().persons as Json[])[1]],
      documents: [{ ref: 'D1', erased: true }],
      payments: [{ payerRef: 'P2', payeeRef: 'P1', erased: true }],
    });
    expect(open([[STAR, 'restricted']])).toStrictEqual({ ...caseOpened(), title: { restricted: true }, summary: { restricted: true } });
    expect(body).toStrictEqual(caseOpened());
  });
});

describe('sealBody and openBody on generated messages', () => {
  it('round trip: with every key, openBody gives back exactly the body that was sealed, and sealing leaves the input alone', () => {
    fc.assert(
      fc.property(anyBody, (sample) => {
        const before = structuredClone(sample.body);
        const { ring, body } = sealed(sample);

        expect(sample.body).toStrictEqual(before);
        expect(openBody(sample.caseId, body, accessOf(ring.keys))).toStrictEqual(sample.body);
        expect([...ring.keys.keys()].sort()).toEqual(refsToSeal(sample.body, sample.documentHolders).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('the sealed JSON text holds none of the personal values (names, dates of birth, identifiers, held document numbers, free text); only refs stay clear', () => {
    fc.assert(
      fc.property(anyBody, (sample) => {
        const { body } = sealed(sample);
        const text = JSON.stringify(body);

        for (const value of sample.personalValues) expect(text).not.toContain(asInJson(value));
        for (const value of sample.clearValues) expect(text).toContain(asInJson(value));
        for (const field of ['persons', 'documents', 'payments']) {
          for (const item of (body[field] as Json[] | undefined) ?? []) {
            if (!isSealed(item)) continue;
            const clear = Object.keys(item).filter((key) => key !== 'sealed');
            expect(clear.every((key) => ['ref', 'holderRef', 'payerRef', 'payeeRef'].includes(key))).toBe(true);
          }
        }
        for (const field of TEXT_FIELDS) if (sample.body[field] !== undefined) expect(Object.keys(body[field] as Json)).toEqual(['sealed']);
      }),
      { numRuns: 300 },
    );
  });

  it('with one person’s key erased: that person and the documents they hold read { ref, erased: true }, payments naming them { payerRef?, payeeRef?, erased: true }, the rest intact', () => {
    const withOneErased = caseReport
      .filter((sample) => refsToSeal(sample.body, sample.documentHolders).some((ref) => ref !== STAR))
      .chain((sample) =>
        fc.constantFrom(...refsToSeal(sample.body, sample.documentHolders).filter((ref) => ref !== STAR)).map((erased) => ({ sample, erased })),
      );

    fc.assert(
      fc.property(withOneErased, ({ sample, erased }) => {
        const { ring, body } = sealed(sample);

        const opened = openBody(sample.caseId, body, accessOf(ring.keys, new Map([[erased, 'erased']]))) as Json;

        const { persons, documents, payments, ...rest } = sample.body;
        const { persons: openedPersons, documents: openedDocuments, payments: openedPayments, ...openedRest } = opened;
        expect(openedRest).toStrictEqual(rest);
        ((persons as Json[] | undefined) ?? []).forEach((each, i) =>
          expect((openedPersons as Json[])[i]).toStrictEqual(each.ref === erased ? { ref: erased, erased: true } : each),
        );
        ((documents as Json[] | undefined) ?? []).forEach((each, i) => {
          const holder = (each.holderRef as string | undefined) ?? sample.documentHolders[each.ref as string];
          expect((openedDocuments as Json[])[i]).toStrictEqual(holder === erased ? { ref: each.ref, erased: true } : each);
        });
        ((payments as Json[] | undefined) ?? []).forEach((each, i) => {
          const names = each.payerRef === erased || each.payeeRef === erased;
          expect((openedPayments as Json[])[i]).toStrictEqual(names ? { ...pick(each, ['payerRef', 'payeeRef']), erased: true } : each);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('with any refs withheld as erased or restricted (also *), openBody shows the placeholders the rule gives', () => {
    fc.assert(
      fc.property(withWithheld(anyBody), ({ sample, withheld }) => {
        const { ring, body } = sealed(sample);

        expect(openBody(sample.caseId, body, accessOf(ring.keys, withheld))).toStrictEqual(expectedView(sample.body, sample.documentHolders, withheld));
      }),
      { numRuns: 300 },
    );
  });

  it('a plain body (stored before encryption) with access.plain() withholding refs is redacted as its sealed form is', () => {
    fc.assert(
      fc.property(withWithheld(anyBody), ({ sample, withheld }) => {
        // A plain body names a document's holder only in the document itself: compare with the body sealed without earlier holders.
        const ring = keyRing();
        const sealedBody = sealBody(sample.caseId, sample.body, ring.keyOf);
        const access = accessOf(ring.keys, withheld);

        const plainView = openBody(sample.caseId, sample.body, access);

        expect(plainView).toStrictEqual(openBody(sample.caseId, sealedBody, access));
        expect(plainView).toStrictEqual(expectedView(sample.body, {}, withheld));
      }),
      { numRuns: 300 },
    );
  });

  it('changing one base64 character of any sealed value makes openBody throw', () => {
    const tampering = anyBody
      .filter((sample) => refsToSeal(sample.body, sample.documentHolders).length > 0)
      .chain((sample) => fc.record({ sample: fc.constant(sample), which: fc.nat(), position: fc.nat(), replacement: fc.integer({ min: 1, max: 63 }) }));

    fc.assert(
      fc.property(tampering, ({ sample, which, position, replacement }) => {
        const { ring, body } = sealed(sample);
        const tampered = structuredClone(body);
        const values = sealedValuesOf(tampered) as { for: readonly string[]; data: string }[];
        expect(values.length).toBeGreaterThan(0);
        const target = values[which % values.length];
        // Every 6 bits of a character before the last 4 are bits of the box (the last ones may be padding).
        const at = position % (target.data.length - 4);
        const changed = BASE64[(BASE64.indexOf(target.data[at]) + replacement) % 64];
        target.data = target.data.slice(0, at) + changed + target.data.slice(at + 1);

        expect(() => openBody(sample.caseId, tampered, accessOf(ring.keys))).toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('a sealed value moved to another case fails to open there, even with the same keys', () => {
    fc.assert(
      fc.property(
        anyBody.filter((sample) => refsToSeal(sample.body, sample.documentHolders).length > 0),
        (sample) => {
          const { ring, body } = sealed(sample);
          expect(hasSealedValues(body)).toBe(true);

          expect(() => openBody(OTHER_CASE_ID, body, accessOf(ring.keys))).toThrow();
          for (const value of sealedValuesOf(body)) {
            expect(() => openBody(OTHER_CASE_ID, { note: { sealed: value } }, accessOf(ring.keys))).toThrow();
            expect(openBody(sample.caseId, { note: { sealed: value } }, accessOf(ring.keys))).not.toBeUndefined();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
