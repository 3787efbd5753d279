import type { CaseReport, CmfHeader, CmfMessageOf, MessageBodyByType, Person, TravelDocument } from '../cmf/types';
import type { MessageType } from '../cmf/vocabularies';

/** Valid CMF/1 messages and builders for tests and benchmarks. Every builder returns a fresh copy. */

export const FIXTURE_NOW = new Date('2026-03-14T09:30:00Z');
export const FIXTURE_CASE_ID = 'IT-2026-000123';
export const FIXTURE_SENDER = 'NCB-IT';

/** A UUID numbered `n`, the same on every call. */
export function fixtureMessageId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function exampleHeader<Type extends MessageType>(type: Type, overrides: Partial<Omit<CmfHeader, 'type'>> = {}): CmfHeader & { readonly type: Type } {
  return {
    messageId: fixtureMessageId(1),
    schemaVersion: '1.0',
    type,
    sender: FIXTURE_SENDER,
    sentAt: FIXTURE_NOW.toISOString(),
    caseId: FIXTURE_CASE_ID,
    expectedCaseVersion: 0,
    inReplyTo: type === 'information.provided' ? fixtureMessageId(2) : null,
    priority: 'urgent',
    handling: { code: 'H2', conditions: "No onward transmission without the owner's consent" },
    distribution: { scope: 'operation', operations: ['OP-HYDRA-2026'] },
    evaluation: { source: 'B', information: '2' },
    ...overrides,
  };
}

/** The case report of the format description, with every field. */
const fullCaseReport: CaseReport = {
  title: 'Rubber dinghy departures from Zuwara',
  summary: 'Departures organised from Zuwara beach towards Lampedusa, paid by hawala.',
  crimeAreas: ['migrant_smuggling', 'document_fraud'],
  route: {
    name: 'central_mediterranean',
    legs: [
      {
        from: { country: 'LY', place: 'Zuwara', lat: 32.93, lon: 12.08 },
        to: { country: 'IT', place: 'Lampedusa', lat: 35.5, lon: 12.6 },
        mode: 'sea',
        conveyance: 'rubber_dinghy',
        departedAt: '2026-03-10T02:00:00Z',
        arrivedAt: '2026-03-11T06:30:00+01:00',
      },
    ],
  },
  persons: [
    {
      ref: 'P1',
      role: 'organiser',
      familyName: 'DOE',
      givenNames: 'JOHN',
      dateOfBirth: '1984-05-02',
      nationalities: ['LY'],
      gender: 'M',
      aliases: ['Abu J'],
      identifiers: [{ type: 'phone', value: '+218911234567' }],
    },
    { ref: 'P2', role: 'migrant', nationalities: ['ER'], gender: 'F' },
  ],
  documents: [{ ref: 'D1', type: 'passport', number: 'X1234567', issuingCountry: 'SY', status: 'stolen', holderRef: 'P1' }],
  vehicles: [{ ref: 'V1', plate: 'AB123CD', registrationCountry: 'BG', kind: 'lorry' }],
  vessels: [{ ref: 'S1', name: 'AL AMAL', imo: '9123456', mmsi: '642123456', flag: 'LY', kind: 'fishing_boat' }],
  payments: [{ method: 'hawala', amount: 3500, currency: 'EUR', stage: 'upfront', payerRef: 'P2', payeeRef: 'P1' }],
  locations: [{ ref: 'L1', kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 }],
  migrants: { count: 38, minors: 6, deaths: 0, missing: 2, nationalities: ['ER', 'SD'] },
};

const exampleBodies: { readonly [Type in MessageType]: MessageBodyByType[Type] } = {
  'case.opened': fullCaseReport,
  'case.updated': {
    summary: 'A second departure point was identified.',
    locations: [{ ref: 'L2', kind: 'departure_point', name: 'Sabratha shore', country: 'LY', lat: 32.79, lon: 12.48 }],
  },
  'case.linked': { otherCaseId: 'GR-2026-77', relation: 'same_network', note: 'Same hawala banker.' },
  'case.assigned': { operationId: 'OP-HYDRA-2026', taskForceId: 'OTF-CENTRAL-MED' },
  'interception.reported': {
    occurredAt: '2026-03-12T04:15:00+01:00',
    location: { ref: 'L3', kind: 'landing_point', name: 'Lampedusa harbour', country: 'IT', lat: 35.5, lon: 12.6 },
    mode: 'sea',
    conveyance: 'fishing_boat',
    vessel: { ref: 'S1', name: 'AL AMAL', imo: '9123456', mmsi: '642123456', flag: 'LY', kind: 'fishing_boat' },
    vehicle: { plate: 'AB123CD', registrationCountry: 'BG', kind: 'lorry' },
    migrants: { count: 41, minors: 7, deaths: 1, missing: 3, nationalities: ['ER', 'SD', 'SY'] },
    arrestedPersonIds: ['P1'],
  },
  'information.requested': {
    question: 'Is the vessel AL AMAL known to your service?',
    to: ['NCB-GR', 'EUROPOL'],
    dueBy: '2026-03-20T17:00:00Z',
  },
  'information.provided': {
    summary: 'The vessel is registered to a company in Benghazi.',
    vessels: [{ ref: 'S1', name: 'AL AMAL', flag: 'LY' }],
  },
  'case.closed': { reason: 'merged', mergedInto: 'IT-2026-000124', note: 'Merged into the Sabratha case.' },
};

/** A complete, valid message of `type`, with every field its body can have. */
export function exampleMessage<Type extends MessageType>(type: Type): CmfMessageOf<Type> {
  return structuredClone({ header: exampleHeader(type), body: exampleBodies[type] });
}

function person(index: number, role: Person['role'], nationality: NonNullable<Person['nationalities']>[number]): Person {
  return {
    ref: `P${index}`,
    role,
    familyName: `FAMILY${index}`,
    givenNames: `GIVEN ${index}`,
    dateOfBirth: `19${70 + index}-0${1 + (index % 9)}-1${index % 10}`,
    nationalities: [nationality],
    gender: index % 2 === 0 ? 'F' : 'M',
    aliases: [`Alias ${index}`],
    identifiers: [
      { type: 'phone', value: `+21891${String(1_000_000 + index)}` },
      { type: 'messaging_app', value: `handle_${index}` },
    ],
  };
}

function travelDocument(index: number, holderRef: string, status: TravelDocument['status']): TravelDocument {
  return { ref: `D${index}`, type: 'passport', number: `X${9_000_000 + index}`, issuingCountry: 'SY', status, holderRef };
}

/** A case.opened as a bureau would send it: several persons, documents, a route with legs, payments, locations. */
export function realisticCaseOpened(caseId: string, messageId: string, sender: string, now: Date): CmfMessageOf<'case.opened'> {
  return {
    header: {
      ...exampleHeader('case.opened'),
      messageId,
      sender,
      caseId,
      sentAt: now.toISOString(),
      distribution: { scope: 'recipients', recipients: ['NCB-GR', 'EUROPOL', 'FRONTEX'] },
    },
    body: {
      title: 'Smuggling network operating from Zuwara and Sabratha',
      summary:
        'The network recruits migrants in Agadez and Sebha, moves them by lorry to the coast and launches rubber ' +
        'dinghies from Zuwara and Sabratha. Payments are made by hawala in three stages. '.repeat(6),
      crimeAreas: ['migrant_smuggling', 'document_fraud', 'money_laundering'],
      route: {
        name: 'central_mediterranean',
        legs: [
          {
            from: { country: 'NE', place: 'Agadez', lat: 16.97, lon: 7.99 },
            to: { country: 'LY', place: 'Sebha', lat: 27.04, lon: 14.43 },
            mode: 'land',
            conveyance: 'lorry',
            departedAt: '2026-02-20T05:00:00+01:00',
            arrivedAt: '2026-02-24T18:00:00+02:00',
          },
          {
            from: { country: 'LY', place: 'Sebha', lat: 27.04, lon: 14.43 },
            to: { country: 'LY', place: 'Zuwara', lat: 32.93, lon: 12.08 },
            mode: 'land',
            conveyance: 'van',
            departedAt: '2026-03-01T22:00:00+02:00',
          },
          {
            from: { country: 'LY', place: 'Zuwara', lat: 32.93, lon: 12.08 },
            to: { country: 'IT', place: 'Lampedusa', lat: 35.5, lon: 12.6 },
            mode: 'sea',
            conveyance: 'rubber_dinghy',
            departedAt: '2026-03-10T02:00:00Z',
          },
        ],
      },
      persons: [
        person(1, 'leader', 'LY'),
        person(2, 'organiser', 'LY'),
        person(3, 'facilitator', 'NE'),
        person(4, 'driver', 'TD'),
        person(5, 'money_courier', 'EG'),
        person(6, 'migrant', 'ER'),
      ],
      documents: [
        travelDocument(1, 'P1', 'forged'),
        travelDocument(2, 'P2', 'stolen'),
        travelDocument(3, 'P6', 'genuine'),
        travelDocument(4, 'P3', 'counterfeit'),
      ],
      vehicles: [
        { ref: 'V1', plate: 'AB123CD', registrationCountry: 'LY', kind: 'lorry' },
        { ref: 'V2', plate: 'ZX987YU', registrationCountry: 'LY', kind: 'van' },
      ],
      vessels: [{ ref: 'S1', name: 'AL AMAL', imo: '9123456', mmsi: '642123456', flag: 'LY', kind: 'fishing_boat' }],
      payments: [
        { method: 'hawala', amount: 1500, currency: 'EUR', stage: 'upfront', payerRef: 'P6', payeeRef: 'P5' },
        { method: 'cash', amount: 800, currency: 'USD', stage: 'per_leg', payerRef: 'P6', payeeRef: 'P4' },
        { method: 'hawala', amount: 1200, currency: 'EUR', stage: 'on_arrival', payerRef: 'P6', payeeRef: 'P2' },
      ],
      locations: [
        { ref: 'L1', kind: 'departure_point', name: 'Zuwara beach', country: 'LY', lat: 32.93, lon: 12.08 },
        { ref: 'L2', kind: 'safe_house', name: 'Sabratha farm', country: 'LY', lat: 32.79, lon: 12.48 },
        { ref: 'L3', kind: 'transit_hub', name: 'Sebha bus station', country: 'LY', lat: 27.04, lon: 14.43 },
      ],
      migrants: { count: 38, minors: 6, deaths: 0, missing: 0, nationalities: ['ER', 'SD', 'SY'] },
    },
  };
}

// ---- changing messages by path --------------------------------------------------------------------------------

/** A JSON value whose shape a test does not know or care about. */
export type AnyJson = unknown;
type JsonContainer = Record<string, unknown> | unknown[];

/** `body.persons[2].ref` → `['body', 'persons', 2, 'ref']`, `body["a.b"]` → `['body', 'a.b']`: the paths of violations. */
export function parsePath(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)].map((match) =>
    match[2] !== undefined ? Number(match[2]) : match[3] !== undefined ? (JSON.parse(match[3]) as string) : match[1],
  );
}

function containerAt(root: JsonContainer, steps: readonly (string | number)[]): JsonContainer {
  let node: unknown = root;
  for (const step of steps) node = (node as Record<string | number, unknown>)[step];
  if (typeof node !== 'object' || node === null) throw new Error(`no object or list at ${steps.join('.')}`);
  return node as JsonContainer;
}

/** A copy of `message` with the value at `path` set (the field is created if absent). */
export function withValue(message: AnyJson, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(message) as Record<string, unknown>;
  const steps = parsePath(path);
  const holder = containerAt(copy, steps.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(holder, steps[steps.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A copy of `message` without the field at `path`. */
export function withoutField(message: AnyJson, path: string): Record<string, unknown> {
  const copy = structuredClone(message) as Record<string, unknown>;
  const steps = parsePath(path);
  const holder = containerAt(copy, steps.slice(0, -1)) as Record<string | number, unknown>;
  delete holder[steps[steps.length - 1]];
  return copy;
}
