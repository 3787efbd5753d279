/**
 * npm run bench:boards [-- --messages 1000000 --cases 10000 --queries 2000] [-- --keep]
 *
 * --keep leaves the data directory (store and read models) in place and prints where it is.
 *
 * 1. Seed: a fresh SQLite event store (DATA_DIR/events.sqlite, where the exchange looks) gets `--messages`
 *    case events over `--cases` cases, each decided and evolved by the real domain (`decide`/`evolve`, the
 *    demo parties file), so entitlement and caseFacets are what the gateway would store. Realistic case
 *    reports (crime areas, routes, persons with roles, documents incl. stolen/forged, vessels, vehicles,
 *    locations, payments): one case.opened per case (≈ 4–5 KB), then case.updated (smaller, ≈ 1 KB stored: what
 *    an update holds, not the whole report again), case.assigned, interception.reported, and case.closed for
 *    some; distributed to OP-HYDRA-2026 (most), OTF-CENTRAL-MED, or recipient lists. Every case.opened and one
 *    message in 20 also pass the CMF/1 validator. The sequence is deterministic (seeded PRNG). Each event is
 *    sealed before it is appended, as the gateway does (`PersonalDataVault.seal` with the case owner, keys from a
 *    `SqliteKeyStore` at DATA_DIR/keys.sqlite: every person, held document, payment naming a person and free-text
 *    field under its (case, person) AES-256-GCM key), a chunk of 1,000 messages at a time (one key-store
 *    transaction); PERSONAL_DATA_ENCRYPTION=off seeds them unsealed, for comparison. Appended with thousands of
 *    appends in flight (the store's group commit).
 * 2. Rebuild: `rebuildProjection` for each projection (case-summaries, boards) against that store, opened as the
 *    read models see it (a vault over DATA_DIR/keys.sqlite: sealed values opened, erased and restricted persons
 *    withheld), and the read-model database of that DATA_DIR, once in this thread and once in parts (one worker
 *    thread per core, at least 2, as `npm run projections:rebuild` does): events, seconds, events/s, RSS of this
 *    process (garbage collected before each phase; the peak sampled every 50 ms by a thread, since the folding loop
 *    never yields to timers). A pass that only reads the store (readAll + JSON.parse) gives the ceiling, and a pass
 *    that reads and opens (the public view) what opening costs; the time after the last batch is the swap (clear +
 *    flush + checkpoint in one transaction). Then, after the live projector test below, the first read of a board
 *    that just changed (rendered again, not served from memory).
 * 3. Queries: the all-in-one exchange on that DATA_DIR in its own process (its projector finds the rebuilt
 *    checkpoints, and its dispatcher a delivery checkpoint put at the head, so neither has anything to do);
 *    sequential keep-alive GETs as NCB-IT (100 warm-up each) from a worker thread of this process (a small
 *    heap of its own, so that this process's garbage collections stay out of the figures): both boards, the case
 *    list (first page, a cursor 75 % deep, crimeArea and status filters), case summaries of random cases, and a
 *    page of 100 at a random depth of each list of the operation's board (documents, documents?status=flagged,
 *    vessels, vehicles, locations, locations as GeoJSON, interceptions, persons): p50/p95/p99/max, time to the
 *    first byte of the body, response sizes, and the client's longest GC pause, against p99 ≤ 10 ms. The case
 *    list and every board list are paged through once and checked against the board and the seeded data; then
 *    5 new messages are posted one by one and timed until both projections hold them.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { caseStreamName, CaseState, decide, evolve, initialCaseState } from '@cmx/case-domain';
import { CmfMessage, validateCmfMessage } from '@cmx/contracts';
import { exampleHeader, realisticCaseOpened } from '@cmx/contracts/testing';
import { SqliteDeliveryLedger } from '@cmx/delivery';
import type { EventStore, JsonObject } from '@cmx/event-store';
import { PartyDirectory } from '@cmx/parties';
import { OpeningEventStore, PersonalDataVault, SqliteKeyStore, type DataKey, type KeyStore } from '@cmx/personal-data';
import { loadConfig, openEventStore, openKeyStore, openReadModelDatabase } from '@cmx/platform';
import { PROJECTION_NAMES } from '@cmx/projector/project-events/projection';
import { rebuildProjection, RebuildProgress } from '@cmx/projector/rebuild-projections/rebuild-projection';
import { freePort } from '../test/support/free-port';
import { argument, cpuMs, machine, round, rssMiB, startServer } from './support';

const messages = argument('messages', 1_000_000);
const caseCount = argument('cases', 10_000);
const queries = argument('queries', 2_000);
const keepData = process.argv.includes('--keep');
const WARM_UP = 100;
const OPERATION = 'OP-HYDRA-2026';
const TASK_FORCE = 'OTF-CENTRAL-MED';
const READER = 'NCB-IT';
const READER_KEY = 'demo-ncb-it';
const APPENDS_PER_CHUNK = 1_000;
const CHUNKS_IN_FLIGHT = 8;
const REBUILD_TARGET = 50_000;
/** Parts of a parallel rebuild: one per core, as npm run projections:rebuild does by default. */
const PARTS = Math.max(2, availableParallelism());
const QUERY_P99_TARGET_MS = 10;

// ---- deterministic randomness --------------------------------------------------------------------------------

let prngState = 0x5eed_b0a2;
function random(): number {
  prngState = (prngState + 0x6d2b79f5) | 0;
  let t = Math.imul(prngState ^ (prngState >>> 15), 1 | prngState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const chance = (p: number): boolean => random() < p;
const between = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
function weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][];
  let r = random() * entries.reduce((total, [, weight]) => total + weight, 0);
  for (const [value, weight] of entries) if ((r -= weight) < 0) return value;
  return entries[entries.length - 1][0];
}
function uuid(): string {
  const hex = Array.from({ length: 4 }, () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// ---- realistic content ---------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const OWNER_WEIGHTS = { 'NCB-IT': 35, 'NCB-GR': 25, 'NCB-ES': 10, 'NCB-NE': 10, EUROPOL: 10, FRONTEX: 7, 'INTERPOL-GS': 3 };
const EXTRA_CRIME_AREAS = {
  document_fraud: 40,
  money_laundering: 25,
  trafficking_in_human_beings: 15,
  labour_exploitation: 8,
  sexual_exploitation: 6,
  corruption: 5,
  drug_trafficking: 5,
  firearms_trafficking: 2,
  property_crime: 2,
  terrorism: 1,
};
const ROLES = {
  migrant: 25,
  facilitator: 12,
  driver: 10,
  organiser: 10,
  recruiter: 8,
  crew: 8,
  money_courier: 6,
  scout: 5,
  document_supplier: 5,
  leader: 4,
  victim: 3,
  unknown: 3,
  corrupt_official: 2,
  witness: 2,
};
const DOCUMENT_STATUSES = { genuine: 30, forged: 20, stolen: 15, counterfeit: 12, lost: 7, fraudulently_obtained: 6, impostor_use: 5, unknown: 5 };
const DOCUMENT_TYPES = { passport: 50, id_card: 20, visa: 10, residence_permit: 10, driving_licence: 5, refugee_card: 5 };
const NATIONALITIES = ['LY', 'NE', 'TD', 'EG', 'ER', 'SD', 'SY', 'AF', 'PK', 'MA', 'DZ', 'TN', 'NG', 'SN', 'TR', 'IQ', 'BD', 'GN', 'ML', 'CI'];
const FAMILY_NAMES = [
  'HADDAD',
  'AL-MASRI',
  'OSMAN',
  'TESFAYE',
  'KONE',
  'DIALLO',
  'KHAN',
  'YILMAZ',
  'BENALI',
  'MOHAMED',
  'IBRAHIM',
  'ABDI',
  'TRAORE',
  'RAHMAN',
  'SAID',
];
const GIVEN_NAMES = ['AHMED', 'YUSUF', 'AMINA', 'OMAR', 'FATIMA', 'ISSA', 'MARIAM', 'KHALID', 'SAMIR', 'AISHA', 'MUSA', 'HASSAN', 'NADIA', 'ALI'];

interface Place {
  readonly country: string;
  readonly place: string;
  readonly lat: number;
  readonly lon: number;
}
const PLACES: Record<string, Place> = {
  agadez: { country: 'NE', place: 'Agadez', lat: 16.97, lon: 7.99 },
  sebha: { country: 'LY', place: 'Sebha', lat: 27.04, lon: 14.43 },
  zuwara: { country: 'LY', place: 'Zuwara', lat: 32.93, lon: 12.08 },
  sabratha: { country: 'LY', place: 'Sabratha', lat: 32.79, lon: 12.48 },
  benghazi: { country: 'LY', place: 'Benghazi', lat: 32.12, lon: 20.09 },
  lampedusa: { country: 'IT', place: 'Lampedusa', lat: 35.5, lon: 12.6 },
  pozzallo: { country: 'IT', place: 'Pozzallo', lat: 36.73, lon: 14.85 },
  izmir: { country: 'TR', place: 'Izmir', lat: 38.42, lon: 27.14 },
  lesvos: { country: 'GR', place: 'Mytilene', lat: 39.11, lon: 26.55 },
  thessaloniki: { country: 'GR', place: 'Thessaloniki', lat: 40.64, lon: 22.94 },
  skopje: { country: 'MK', place: 'Skopje', lat: 41.99, lon: 21.43 },
  subotica: { country: 'RS', place: 'Subotica', lat: 46.1, lon: 19.66 },
  nador: { country: 'MA', place: 'Nador', lat: 35.17, lon: -2.93 },
  almeria: { country: 'ES', place: 'Almeria', lat: 36.84, lon: -2.46 },
  nouadhibou: { country: 'MR', place: 'Nouadhibou', lat: 20.94, lon: -17.04 },
  hierro: { country: 'ES', place: 'El Hierro', lat: 27.74, lon: -18.02 },
  istanbul: { country: 'TR', place: 'Istanbul', lat: 41.01, lon: 28.98 },
  rome: { country: 'IT', place: 'Rome Fiumicino', lat: 41.8, lon: 12.25 },
};
type Leg = [from: keyof typeof PLACES, to: keyof typeof PLACES, mode: 'land' | 'sea' | 'air', conveyance: string];
const ROUTES: { name: string; weight: number; legs: Leg[][] }[] = [
  {
    name: 'central_mediterranean',
    weight: 50,
    legs: [
      [
        ['agadez', 'sebha', 'land', 'lorry'],
        ['sebha', 'zuwara', 'land', 'van'],
        ['zuwara', 'lampedusa', 'sea', 'rubber_dinghy'],
      ],
      [
        ['sebha', 'sabratha', 'land', 'car'],
        ['sabratha', 'lampedusa', 'sea', 'fishing_boat'],
      ],
      [['benghazi', 'pozzallo', 'sea', 'fishing_boat']],
    ],
  },
  {
    name: 'eastern',
    weight: 15,
    legs: [
      [['izmir', 'lesvos', 'sea', 'rubber_dinghy']],
      [
        ['istanbul', 'izmir', 'land', 'bus'],
        ['izmir', 'lesvos', 'sea', 'sailing_boat'],
      ],
    ],
  },
  {
    name: 'western_balkan',
    weight: 12,
    legs: [
      [
        ['thessaloniki', 'skopje', 'land', 'car'],
        ['skopje', 'subotica', 'land', 'lorry'],
      ],
    ],
  },
  { name: 'western_mediterranean', weight: 10, legs: [[['nador', 'almeria', 'sea', 'rubber_dinghy']]] },
  { name: 'atlantic', weight: 8, legs: [[['nouadhibou', 'hierro', 'sea', 'fishing_boat']]] },
  { name: 'other', weight: 5, legs: [[['istanbul', 'rome', 'air', 'commercial_flight']]] },
];
const ROUTE_WEIGHTS = Object.fromEntries(ROUTES.map((route, index) => [String(index), route.weight])) as Record<string, number>;

/** Bounds on the items one case accumulates, so that 100 messages per case keep a summary of realistic size. */
const CAPS = { persons: 25, documents: 15, vehicles: 5, vessels: 3, locations: 10 };

interface SeedCase {
  readonly caseId: string;
  readonly owner: string;
  state: CaseState;
  readonly primary: 'operation' | 'taskForce' | 'recipients';
  readonly routeIndex: number;
  sea: boolean;
  counts: { persons: number; documents: number; vehicles: number; vessels: number; locations: number };
  sent: number;
  readonly total: number;
  readonly closes: boolean;
  /** What NCB-IT is entitled to see of it: for checking the board and the list afterwards. */
  readerSeesOperation: boolean;
  readerSeesTaskForce: boolean;
  readerSeesClosed: boolean;
  readerSeesAny: boolean;
}

function person(index: number): Json {
  const role = weighted(ROLES);
  const base: Json = { ref: `P${index}`, role, nationalities: [pick(NATIONALITIES)], gender: chance(0.7) ? 'M' : 'F' };
  if (role === 'migrant' && chance(0.6)) return base;
  return {
    ...base,
    familyName: pick(FAMILY_NAMES),
    givenNames: pick(GIVEN_NAMES),
    dateOfBirth: `19${between(60, 99)}-${String(between(1, 12)).padStart(2, '0')}-${String(between(1, 28)).padStart(2, '0')}`,
    aliases: chance(0.5) ? [`Abu ${pick(GIVEN_NAMES).toLowerCase()}`] : [],
    identifiers: [
      { type: 'phone', value: `+2189${between(10_000_000, 99_999_999)}` },
      ...(chance(0.5) ? [{ type: 'messaging_app', value: `handle_${between(1000, 99_999)}` }] : []),
    ],
  };
}

const documentOf = (index: number, holder: number): Json => ({
  ref: `D${index}`,
  type: weighted(DOCUMENT_TYPES),
  number: `${pick(['X', 'N', 'P', 'K'])}${between(1_000_000, 9_999_999)}`,
  issuingCountry: pick(NATIONALITIES),
  status: weighted(DOCUMENT_STATUSES),
  holderRef: `P${holder}`,
});
const vehicleOf = (index: number): Json => ({
  ref: `V${index}`,
  plate: `${String.fromCharCode(65 + between(0, 25), 65 + between(0, 25))}${between(100, 999)}${String.fromCharCode(65 + between(0, 25), 65 + between(0, 25))}`,
  registrationCountry: pick(['LY', 'BG', 'RO', 'GR', 'TR', 'RS', 'IT', 'MA']),
  kind: pick(['lorry', 'van', 'car', 'bus']),
});
const vesselOf = (index: number): Json => ({
  ref: `S${index}`,
  name: pick(['AL AMAL', 'NOUR', 'SALAM', 'BAHR', 'FAJR', 'ZAHRA', 'MARIA', 'HOPE']) + ` ${between(1, 99)}`,
  imo: String(between(9_000_000, 9_999_999)),
  mmsi: String(between(600_000_000, 699_999_999)),
  flag: pick(['LY', 'TG', 'SL', 'KM', 'TR', 'EG']),
  kind: pick(['fishing_boat', 'rubber_dinghy', 'cargo_ship', 'sailing_boat']),
});
function locationOf(index: number, route: (typeof ROUTES)[number]): Json {
  const place = PLACES[pick(pick(route.legs).flatMap((leg) => [leg[0], leg[1]]))];
  return {
    ref: `L${index}`,
    kind: pick(['departure_point', 'safe_house', 'transit_hub', 'landing_point', 'hotspot', 'border_crossing']),
    name: `${place.place} ${pick(['beach', 'farm', 'warehouse', 'bus station', 'harbour', 'hotel'])} ${index}`,
    country: place.country,
    lat: round(place.lat + (random() - 0.5) / 10, 4),
    lon: round(place.lon + (random() - 0.5) / 10, 4),
  };
}
function routeOf(route: (typeof ROUTES)[number]): Json {
  return {
    name: route.name,
    legs: pick(route.legs).map(([from, to, mode, conveyance]) => ({ from: PLACES[from], to: PLACES[to], mode, conveyance })),
  };
}
const migrants = (): Json => ({
  count: between(8, 120),
  minors: between(0, 15),
  deaths: chance(0.1) ? between(1, 5) : 0,
  missing: chance(0.1) ? between(1, 8) : 0,
  nationalities: [pick(NATIONALITIES), pick(NATIONALITIES)].filter((v, i, a) => a.indexOf(v) === i),
});
function payment(seedCase: SeedCase): Json {
  return {
    method: pick(['hawala', 'cash', 'money_transfer_service', 'cryptocurrency', 'bank_transfer']),
    amount: between(3, 60) * 100,
    currency: pick(['EUR', 'USD', 'LYD']),
    stage: pick(['upfront', 'per_leg', 'on_arrival', 'debt']),
    payerRef: `P${between(1, seedCase.counts.persons)}`,
    payeeRef: `P${between(1, seedCase.counts.persons)}`,
  };
}
function crimeAreas(): string[] {
  const areas = chance(0.9) ? ['migrant_smuggling'] : ['trafficking_in_human_beings'];
  for (let n = between(0, 2); n > 0; n--) areas.push(weighted(EXTRA_CRIME_AREAS));
  return [...new Set(areas)];
}

function caseReportOpened(seedCase: SeedCase, base: ReturnType<typeof realisticCaseOpened>['body']): Json {
  const route = ROUTES[seedCase.routeIndex];
  const c = seedCase.counts;
  c.persons = between(2, 8);
  c.documents = between(1, Math.min(5, c.persons));
  c.vehicles = between(0, 2);
  c.vessels = seedCase.sea ? between(0, 2) : 0;
  c.locations = between(1, 4);
  const legs = routeOf(route);
  const first = (legs.legs as { from: Place; to: Place }[])[0];
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  return {
    title: `${pick(['Smuggling network', 'Facilitation ring', 'Crossings organised', 'Document factory'])} from ${first.from.place} to ${first.to.place} (${seedCase.caseId})`,
    summary: base.summary,
    crimeAreas: crimeAreas(),
    route: legs,
    persons: range(c.persons).map(person),
    documents: range(c.documents).map((n) => documentOf(n, between(1, c.persons))),
    vehicles: range(c.vehicles).map(vehicleOf),
    vessels: range(c.vessels).map(vesselOf),
    payments: range(between(1, 3)).map(() => payment(seedCase)),
    locations: range(c.locations).map((n) => locationOf(n, route)),
    migrants: migrants(),
  };
}

const SUMMARY_SENTENCES = [
  'A second departure point was identified on the coast; surveillance confirms nightly activity.',
  'Telephone analysis links the organiser to two money couriers operating from the transit hub.',
  'The vessel was seen loading fuel and life jackets two days before the departure.',
  'Witness statements describe payments collected at the safe house before each crossing.',
  'Forged residence permits were found at the apartment of the document supplier.',
  'The drivers are paid per trip; the lorry crosses the border with a false cargo declaration.',
];

/** What one case.updated says: a few new or changed items, never the whole report again. */
function caseReportUpdated(seedCase: SeedCase): Json {
  const c = seedCase.counts;
  const route = ROUTES[seedCase.routeIndex];
  const kind = weighted({
    narrative: 30,
    personDetail: 15,
    newPerson: 10,
    documentStatus: 8,
    location: 10,
    vehicle: 5,
    payment: 7,
    migrants: 10,
    crimeArea: 5,
  });
  switch (kind) {
    case 'narrative':
      return { summary: `${pick(SUMMARY_SENTENCES)} ${pick(SUMMARY_SENTENCES)}`, ...(chance(0.5) ? { migrants: migrants() } : {}) };
    case 'personDetail': {
      const index = between(1, c.persons);
      return {
        persons: [
          { ref: `P${index}`, aliases: [`Alias ${between(1, 999)}`], identifiers: [{ type: 'phone', value: `+2189${between(10_000_000, 99_999_999)}` }] },
        ],
      };
    }
    case 'newPerson': {
      if (c.persons >= CAPS.persons) return { persons: [{ ref: `P${between(1, c.persons)}`, role: weighted(ROLES) }] };
      c.persons += 1;
      const body: Json = { persons: [person(c.persons)] };
      if (chance(0.5) && c.documents < CAPS.documents) body.documents = [documentOf(++c.documents, c.persons)];
      return body;
    }
    case 'documentStatus':
      return { documents: [{ ref: `D${between(1, c.documents)}`, status: pick(['forged', 'stolen', 'counterfeit', 'genuine', 'impostor_use']) }] };
    case 'location':
      return { locations: [locationOf(c.locations < CAPS.locations ? ++c.locations : between(1, c.locations), route)] };
    case 'vehicle':
      if (seedCase.sea && chance(0.5)) return { vessels: [vesselOf(c.vessels < CAPS.vessels ? ++c.vessels : Math.max(1, c.vessels))] };
      return { vehicles: [vehicleOf(c.vehicles < CAPS.vehicles ? ++c.vehicles : Math.max(1, c.vehicles))] };
    case 'payment':
      return { payments: Array.from({ length: between(1, 2) }, () => payment(seedCase)) };
    case 'migrants':
      return { migrants: migrants(), ...(chance(0.3) ? { route: routeOf(route) } : {}) };
    case 'crimeArea':
      return { crimeAreas: [weighted(EXTRA_CRIME_AREAS)] };
  }
}

function interception(seedCase: SeedCase, at: Date): Json {
  const route = ROUTES[seedCase.routeIndex];
  const [from, to, mode, conveyance] = pick(route.legs)[0];
  const place = PLACES[chance(0.5) ? from : to];
  const arrested = Array.from({ length: between(0, 3) }, () => `P${between(1, seedCase.counts.persons)}`);
  const body: Json = {
    occurredAt: new Date(at.getTime() - between(1, 48) * 3_600_000).toISOString(),
    location: {
      kind: pick(['landing_point', 'arrest_location', 'border_crossing']),
      name: `${place.place} ${pick(['harbour', 'checkpoint', 'shore'])}`,
      country: place.country,
      lat: place.lat,
      lon: place.lon,
    },
    mode,
    conveyance,
    migrants: migrants(),
    arrestedPersonIds: [...new Set(arrested)],
  };
  if (mode === 'sea') {
    const { ref: _ref, ...vessel } = vesselOf(1);
    body.vessel = { ...vessel, kind: conveyance };
  } else body.vehicle = { plate: `${between(100, 999)}AB${between(10, 99)}`, registrationCountry: place.country, kind: conveyance };
  return body;
}

// ---- seeding -------------------------------------------------------------------------------------------------

interface Seeded {
  readonly cases: SeedCase[];
  readonly byType: Record<string, number>;
  readonly seconds: number;
  readonly peakRss: number;
  readonly sealing: SealingTimes;
}

/** What sealing cost the seed: wall time awaiting each chunk's seals, of which until the key store answered. */
interface SealingTimes {
  readonly on: boolean;
  seconds: number;
  keyStoreSeconds: number;
  chunks: number;
}

/**
 * The key store as the vault uses it, noting when the keys of the chunk being sealed were answered: the key
 * store makes every key asked for in one turn of the event loop in one transaction, so the first answer of a
 * chunk comes when its transaction has committed.
 */
class TimedKeyStore implements KeyStore {
  firstAnswerAt: number | undefined;
  constructor(private readonly inner: KeyStore) {}
  provide(caseId: string, owner: string, refs: readonly string[]): Promise<ReadonlyMap<string, DataKey>> {
    return this.inner.provide(caseId, owner, refs).then((keys) => {
      this.firstAnswerAt ??= performance.now();
      return keys;
    });
  }
  keysOf: KeyStore['keysOf'] = (caseIds) => this.inner.keysOf(caseIds);
  protect: KeyStore['protect'] = (caseId, change) => this.inner.protect(caseId, change);
  ping = () => this.inner.ping();
  close = () => this.inner.close();
}

function schedule(): { order: Int32Array; totals: Int32Array; last: Int32Array } {
  const order = new Int32Array(messages);
  const cumulative = new Float64Array(caseCount);
  let sum = 0;
  for (let i = 0; i < caseCount; i++) cumulative[i] = sum += -Math.log(1 - random());
  for (let i = 0; i < messages; i++) {
    if (i < caseCount) order[i] = i;
    else {
      const r = random() * sum;
      let lo = 0;
      let hi = caseCount - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < r) lo = mid + 1;
        else hi = mid;
      }
      order[i] = lo;
    }
  }
  for (let i = messages - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const totals = new Int32Array(caseCount);
  const last = new Int32Array(caseCount);
  order.forEach((caseIndex, i) => {
    totals[caseIndex] += 1;
    last[caseIndex] = i;
  });
  return { order, totals, last };
}

function newCase(index: number, total: number): SeedCase {
  const owner = weighted(OWNER_WEIGHTS);
  const prefix = owner.startsWith('NCB-') ? owner.slice(4) : owner;
  const routeIndex = Number(weighted(ROUTE_WEIGHTS));
  return {
    caseId: `${prefix}-2026-${String(index + 1).padStart(7, '0')}`,
    owner,
    state: initialCaseState,
    primary: weighted({ operation: 70, taskForce: 18, recipients: 12 }),
    routeIndex,
    sea: ROUTES[routeIndex].legs.some((legs) => legs.some((leg) => leg[2] === 'sea')),
    counts: { persons: 0, documents: 0, vehicles: 0, vessels: 0, locations: 0 },
    sent: 0,
    total,
    closes: total >= 2 && chance(0.15),
    readerSeesOperation: false,
    readerSeesTaskForce: false,
    readerSeesClosed: false,
    readerSeesAny: false,
  };
}

function distributionFor(seedCase: SeedCase, sender: string, parties: readonly string[]): Json {
  const scope = chance(0.8) ? seedCase.primary : weighted({ operation: 60, taskForce: 25, recipients: 15 });
  if (scope === 'operation') return { scope, operations: [OPERATION] };
  if (scope === 'taskForce') return { scope, taskForces: [TASK_FORCE] };
  const others = parties.filter((party) => party !== sender);
  const recipients = new Set<string>();
  for (let n = between(1, 3); n > 0; n--) recipients.add(pick(others));
  return { scope, recipients: [...recipients] };
}

function nextMessage(
  seedCase: SeedCase,
  receivedAt: Date,
  isLast: boolean,
  parties: readonly string[],
  fullReport: ReturnType<typeof realisticCaseOpened>,
): CmfMessage {
  const { state } = seedCase;
  const participants = [...state.participants];
  const sender = state.status === 'absent' || chance(0.6) ? seedCase.owner : pick(participants);
  const messageId = uuid();
  let type: CmfMessage['header']['type'];
  let body: Json;
  if (state.status === 'absent') {
    type = 'case.opened';
    body = caseReportOpened(seedCase, fullReport.body);
  } else if (isLast && seedCase.closes) {
    type = 'case.closed';
    body = chance(0.1)
      ? {
          reason: 'merged',
          mergedInto: `${seedCase.caseId.slice(0, -7)}${String(between(1, caseCount)).padStart(7, '0')}`,
          note: 'Merged into the related case.',
        }
      : { reason: pick(['dismantled', 'convicted', 'no_further_action']), note: 'Network dismantled after coordinated arrests.' };
    if (body.mergedInto === seedCase.caseId) body = { reason: 'dismantled' };
  } else if ((seedCase.sent === 1 && chance(0.6)) || chance(0.01)) {
    type = 'case.assigned';
    const both = chance(0.2);
    body =
      seedCase.primary === 'taskForce' || (both && chance(0.5))
        ? { taskForceId: TASK_FORCE, ...(both ? { operationId: OPERATION } : {}) }
        : { operationId: OPERATION, ...(both ? { taskForceId: TASK_FORCE } : {}) };
  } else if (chance(0.08)) {
    type = 'interception.reported';
    body = interception(seedCase, receivedAt);
  } else {
    type = 'case.updated';
    body = caseReportUpdated(seedCase);
  }
  const header = {
    ...exampleHeader(type),
    messageId,
    sender,
    caseId: seedCase.caseId,
    sentAt: new Date(receivedAt.getTime() - between(200, 30_000)).toISOString(),
    expectedCaseVersion: state.version,
    priority: weighted({ routine: 60, urgent: 30, immediate: 10 }),
    handling: chance(0.8) ? { code: pick(['H0', 'H1', 'H2']) } : { code: 'H3', conditions: "No onward transmission without the owner's consent" },
    distribution: distributionFor(seedCase, sender, parties),
    evaluation: { source: pick(['A', 'B', 'C', 'X']), information: pick(['1', '2', '3', '4']) },
  };
  return { header, body } as unknown as CmfMessage;
}

async function seed(store: EventStore, directory: PartyDirectory, sampler: RssSampler, keys: TimedKeyStore, sealingOn: boolean): Promise<Seeded> {
  const started = performance.now();
  const vault = new PersonalDataVault(keys, sealingOn);
  const sealing: SealingTimes = { on: sealingOn, seconds: 0, keyStoreSeconds: 0, chunks: 0 };
  sampler.reset();
  const { order, totals, last } = schedule();
  const cases = Array.from({ length: caseCount }, (_, index) => newCase(index, totals[index]));
  const parties = directory.allPartyCodes();
  const fullReport = realisticCaseOpened('IT-2026-1', uuid(), 'NCB-IT', new Date());
  const end = Date.now() - 60_000;
  const span = 180 * 86_400_000;
  const step = span / messages;
  const byType: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  let nextReport = 100_000;
  for (let start = 0; start < messages; start += APPENDS_PER_CHUNK) {
    const decided: { caseId: string; event: ReturnType<typeof decide>[number]; expectedVersion: number; owner: string; messageId: string }[] = [];
    for (let i = start; i < Math.min(messages, start + APPENDS_PER_CHUNK); i++) {
      const seedCase = cases[order[i]];
      const receivedAt = new Date(end - span + Math.floor(i * step));
      const message = nextMessage(seedCase, receivedAt, i === last[order[i]], parties, fullReport);
      if (message.header.type === 'case.opened' || i % 20 === 0) {
        const validation = validateCmfMessage(JSON.parse(JSON.stringify(message)), { now: receivedAt });
        if (!validation.ok) throw new Error(`generated an invalid ${message.header.type}: ${JSON.stringify(validation.violations)}`);
      }
      const events = decide({ message, caller: message.header.sender, receivedAt, directory }, seedCase.state);
      const expectedVersion = seedCase.state.version;
      // The gateway seals with the case's owner (the sender of case.opened), and evolves the state from the event as decided.
      const owner = seedCase.state.owner ?? message.header.sender;
      seedCase.state = events.reduce(evolve, seedCase.state);
      seedCase.sent += 1;
      const [event] = events;
      if (event.data.entitledParties.includes(READER)) {
        const own = facetsOfOwnMessage(message);
        seedCase.readerSeesAny = true;
        seedCase.readerSeesOperation ||= own.operations.includes(OPERATION);
        seedCase.readerSeesTaskForce ||= own.taskForces.includes(TASK_FORCE);
        seedCase.readerSeesClosed ||= event.type === 'CaseClosed';
      }
      byType[message.header.type] = (byType[message.header.type] ?? 0) + 1;
      decided.push({ caseId: seedCase.caseId, event, expectedVersion, owner, messageId: message.header.messageId.toLowerCase() });
      if (i + 1 === nextReport) {
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `  ${(i + 1).toLocaleString('en')} messages decided (${Math.round((i + 1) / seconds).toLocaleString('en')}/s, ${round(seconds)} s, RSS ${round(rssMiB(process.pid))} MiB)`,
        );
        nextReport += 100_000;
      }
    }
    // The chunk's seals are asked for in one turn (one key-store transaction), then its appends are made in order,
    // so that each case's appends reach the store's writer in version order.
    const sealStarted = performance.now();
    keys.firstAnswerAt = undefined;
    const sealed = await Promise.all(decided.map(({ event, owner }) => vault.seal(event.data, owner)));
    const sealEnded = performance.now();
    sealing.seconds += (sealEnded - sealStarted) / 1000;
    sealing.keyStoreSeconds += ((keys.firstAnswerAt ?? sealStarted) - sealStarted) / 1000;
    sealing.chunks += 1;
    const appends = decided.map(({ caseId, event, expectedVersion, messageId }, index) =>
      store
        .append(
          caseStreamName(caseId),
          [{ id: messageId, type: event.type, data: sealed[index] as unknown as JsonObject, metadata: event.metadata as unknown as JsonObject }],
          expectedVersion,
        )
        .then((result) => {
          if (result.outcome !== 'appended') throw new Error(`append of ${caseId} v${expectedVersion + 1}: ${result.outcome}`);
        }),
    );
    inFlight.push(Promise.all(appends).then(() => undefined));
    if (inFlight.length >= CHUNKS_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return { cases, byType, seconds: (performance.now() - started) / 1000, peakRss: sampler.peak(), sealing };
}

/** The groups one message names (its distribution, or the body of a case.assigned): what puts its case on a board for those entitled to it. */
function facetsOfOwnMessage(message: CmfMessage): { operations: string[]; taskForces: string[] } {
  const { distribution } = message.header;
  const operations = [...(distribution.operations ?? [])];
  const taskForces = [...(distribution.taskForces ?? [])];
  if (message.header.type === 'case.assigned') {
    const body = message.body as { operationId?: string; taskForceId?: string };
    if (body.operationId) operations.push(body.operationId);
    if (body.taskForceId) taskForces.push(body.taskForceId);
  }
  return { operations, taskForces };
}

/** The average stored size of each event type (bytes of data + metadata). */
function storedSizes(file: string): { type: string; count: number; bytes: number; sealed: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT type, COUNT(*) AS count, AVG(LENGTH(data) + LENGTH(metadata)) AS bytes, SUM(instr(data, '"sealed":{') > 0) AS sealed FROM events GROUP BY type ORDER BY count DESC`,
      )
      .all() as { type: string; count: number; bytes: number; sealed: number }[];
    return rows.map((row) => ({ ...row, bytes: Math.round(row.bytes) }));
  } finally {
    db.close();
  }
}

/** The key store the seed left: its file's size, its data keys and the cases they belong to. */
function keyStoreStats(file: string): { bytes: number; keys: number; cases: number } {
  const db = new Database(file, { readonly: true });
  try {
    const { keys } = db.prepare('SELECT COUNT(*) AS keys FROM data_keys').get() as { keys: number };
    const { cases } = db.prepare('SELECT COUNT(*) AS cases FROM key_cases').get() as { cases: number };
    return { bytes: statSync(file).size, keys, cases };
  } finally {
    db.close();
  }
}

/** Collects garbage now (V8's flag set at run time), so that each phase's peak RSS is not the previous phase's garbage. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

// ---- peak RSS, sampled by a thread ---------------------------------------------------------------------------

interface RssSampler {
  /** Collects garbage, then starts a new peak from the current RSS. */
  reset(): void;
  /** The highest RSS seen since the last reset, MiB. */
  peak(): number;
  stop(): Promise<void>;
}

function startRssSampler(): RssSampler {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const { readFileSync } = require('node:fs');
     const [shared, pid] = workerData;
     setInterval(() => {
       const kib = Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/' + pid + '/status', 'utf8'))[1]);
       if (kib > Atomics.load(shared, 0)) Atomics.store(shared, 0, kib);
     }, 50);`,
    { eval: true, workerData: [shared, process.pid] },
  );
  worker.unref();
  const current = () => Math.round(rssMiB(process.pid) * 1024);
  return {
    reset: () => {
      collectGarbage();
      Atomics.store(shared, 0, current());
    },
    peak: () => Math.max(Atomics.load(shared, 0), current()) / 1024,
    stop: async () => void (await worker.terminate()),
  };
}

// ---- rebuild -------------------------------------------------------------------------------------------------

interface RebuildRow {
  readonly label: string;
  readonly events: number;
  readonly seconds: number;
  readonly foldSeconds: number;
  readonly swapSeconds: number;
  readonly startRss: number;
  readonly peakRss: number;
  readonly rows: string;
  readonly isProjection: boolean;
}

async function rebuildAll(dataDir: string, sampler: RssSampler): Promise<RebuildRow[]> {
  const config = loadConfig({ DATA_DIR: dataDir });
  const store = await openEventStore(config);
  const keys = openKeyStore(config);
  const db = openReadModelDatabase(config);
  const rows: RebuildRow[] = [];
  try {
    // The store's ceiling, and the same page cache for both projections.
    sampler.reset();
    let startRss = rssMiB(process.pid);
    let started = performance.now();
    let events = 0;
    for (let after: string | undefined; ;) {
      const batch = await store.readAll({ after, limit: 5_000 });
      if (batch.length === 0) break;
      events += batch.length;
      after = batch[batch.length - 1].position;
    }
    let seconds = (performance.now() - started) / 1000;
    rows.push({
      label: 'store read only (readAll of 5,000 + JSON.parse)',
      events,
      seconds,
      foldSeconds: seconds,
      swapSeconds: 0,
      startRss,
      peakRss: sampler.peak(),
      rows: '',
      isProjection: false,
    });
    console.log(`  read the store: ${events.toLocaleString('en')} events in ${round(seconds, 2)} s`);

    // The same, opened as the read models see it: the keys of each batch's cases read in one go, every sealed value decrypted.
    const opening = new OpeningEventStore(store, new PersonalDataVault(keys), 'public');
    sampler.reset();
    startRss = rssMiB(process.pid);
    started = performance.now();
    events = 0;
    for (let after: string | undefined; ;) {
      const batch = await opening.readAll({ after, limit: 5_000 });
      if (batch.length === 0) break;
      events += batch.length;
      after = batch[batch.length - 1].position;
    }
    seconds = (performance.now() - started) / 1000;
    rows.push({
      label: 'store read + opened, public view (OpeningEventStore)',
      events,
      seconds,
      foldSeconds: seconds,
      swapSeconds: 0,
      startRss,
      peakRss: sampler.peak(),
      rows: '',
      isProjection: false,
    });
    console.log(`  read and opened the store: ${events.toLocaleString('en')} events in ${round(seconds, 2)} s`);

    const tables = { 'case-summaries': ['case_summaries'], boards: ['board_case_states', 'board_cases', 'board_items', 'boards'] };
    for (const [name, parts] of PROJECTION_NAMES.flatMap((name) => [1, PARTS].map((parts) => [name, parts] as const))) {
      sampler.reset();
      startRss = rssMiB(process.pid);
      started = performance.now();
      let lastBatch = started;
      let nextReport = 100_000;
      const onProgress = (progress: RebuildProgress) => {
        lastBatch = performance.now();
        if (progress.events >= nextReport) {
          console.log(
            `  ${name} in ${parts}: ${progress.events.toLocaleString('en')} events folded (${round((lastBatch - started) / 1000)} s, RSS ${round(rssMiB(process.pid))} MiB)`,
          );
          nextReport += 100_000;
        }
      };
      const result = await rebuildProjection(store, db, name, new PersonalDataVault(keys), { onProgress, parts, config });
      const ended = performance.now();
      seconds = (ended - started) / 1000;
      const counts: string[] = [];
      for (const table of tables[name]) {
        const [row] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
        counts.push(`${table} ${Number(row.n).toLocaleString('en')}`);
      }
      rows.push({
        label: `${name}, ${parts === 1 ? 'in this thread' : `${parts} parts in worker threads`}`,
        events: result.events,
        seconds,
        foldSeconds: (lastBatch - started) / 1000,
        swapSeconds: (ended - lastBatch) / 1000,
        startRss,
        peakRss: sampler.peak(),
        rows: counts.join(', '),
        isProjection: true,
      });
      console.log(`  rebuilt ${name} in ${parts} part(s): ${result.events.toLocaleString('en')} events in ${round(seconds, 2)} s`);
    }
  } finally {
    await db.close();
    await keys.close();
    await store.close();
  }
  return rows;
}

// ---- queries -------------------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

interface Response {
  readonly status: number;
  readonly body: Buffer;
}

function request(port: number, method: 'GET' | 'POST', path: string, body?: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${READER_KEY}`, ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const outgoing = http.request({ host: '127.0.0.1', port, path, method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const get = (port: number, path: string, headers: Record<string, string> = {}): Promise<Response> => request(port, 'GET', path, undefined, headers);

async function getJson<T>(port: number, path: string, headers: Record<string, string> = {}): Promise<T> {
  const { status, body } = await get(port, path, headers);
  if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${body.toString().slice(0, 300)}`);
  return JSON.parse(body.toString()) as T;
}

interface QueryResult {
  readonly label: string;
  readonly count: number;
  readonly failed: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly bytes: number;
  readonly firstByteP50: number;
  readonly firstByteP99: number;
  /** Garbage collection in this (the client) process while measuring: the longest pause. */
  readonly clientGcMaxMs: number;
  readonly clientGcMaxKind: string;
  readonly firstFailure?: string;
}

/**
 * The measuring client: a worker thread of this process, with a V8 heap of its own. On the main thread the
 * client's garbage collections (a heap of hundreds of MiB: ts-node, the modules, the seeded state) showed up
 * in the tail of every query; the worker's heap is a few MiB.
 */
const QUERY_CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { PerformanceObserver } = require('node:perf_hooks');
const { port, key, warmUp, count, label, paths, headers } = workerData;
const GC_KINDS = { 1: 'major', 2: 'minor', 4: 'incremental', 8: 'weak callbacks' };
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (path) => new Promise((resolve, reject) => {
  const started = performance.now();
  http.get({ host: '127.0.0.1', port, path, agent, headers: { ...headers, authorization: 'Bearer ' + key } }, (response) => {
    let size = 0;
    let firstByteMs;
    let head = '';
    response.on('data', (chunk) => {
      if (firstByteMs === undefined) { firstByteMs = performance.now() - started; head = chunk.subarray(0, 200).toString(); }
      size += chunk.length;
    });
    response.on('end', () => { const ms = performance.now() - started; resolve({ status: response.statusCode, size, ms, firstByteMs: firstByteMs ?? ms, head }); });
    response.on('error', reject);
  }).on('error', reject);
});
const pathOf = () => paths[Math.floor(Math.random() * paths.length)];
const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
(async () => {
  for (let n = 0; n < warmUp; n++) await get(pathOf());
  let clientGcMaxMs = 0;
  let clientGcMaxKind = '';
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => {
    if (entry.duration <= clientGcMaxMs) return;
    clientGcMaxMs = entry.duration;
    clientGcMaxKind = GC_KINDS[entry.detail?.kind] ?? '';
  }));
  observer.observe({ entryTypes: ['gc'] });
  const latencies = [];
  const firstBytes = [];
  let failed = 0;
  let bytes = 0;
  let firstFailure;
  for (let n = 0; n < count; n++) {
    const response = await get(pathOf());
    latencies.push(response.ms);
    firstBytes.push(response.firstByteMs);
    bytes += response.size;
    if (response.status !== 200) { failed += 1; firstFailure ??= response.status + ' ' + response.head; }
  }
  observer.disconnect();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  firstBytes.sort((a, b) => a - b);
  parentPort.postMessage({
    label, count, failed, bytes: bytes / count, clientGcMaxMs, clientGcMaxKind, firstFailure,
    p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1],
    firstByteP50: percentile(firstBytes, 0.5), firstByteP99: percentile(firstBytes, 0.99),
  });
})().catch((error) => { throw error; });
`;

/**
 * The least a response of the board's size can take here: the same client
 * against a bare node:http server answering every request with that many bytes
 * held in memory (no Nest, no Fastify, no database).
 */
async function staticResponseFloor(body: Buffer): Promise<QueryResult> {
  const server = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    return await measure(port, `floor: bare node:http answering ${body.length.toLocaleString('en')} bytes from memory`, ['/']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** `--queries` sequential keep-alive GETs (after the warm-up) of a path picked at random from `paths` each time. */
function measure(port: number, label: string, paths: readonly string[], headers: Record<string, string> = {}): Promise<QueryResult> {
  const worker = new Worker(QUERY_CLIENT, { eval: true, workerData: { port, key: READER_KEY, warmUp: WARM_UP, count: queries, label, paths, headers } });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: QueryResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

interface CasePage {
  readonly cases: { caseId: string; status: string; lastActivityAt: string; crimeAreas: string[] }[];
  readonly nextCursor: string | null;
}

interface BoardBody {
  readonly cases: { total: number; open: number; closed: number };
  readonly persons: { byRole: Record<string, number> };
  readonly flaggedDocuments: { total: number; recent: unknown[] };
  readonly vessels: { total: number; recent: unknown[] };
  readonly vehicles: { total: number; recent: unknown[] };
  readonly locations: { total: number; recent: unknown[] };
  readonly interceptions: { total: number };
}

/** A list of the board, as measured: its path, the headers it is read with, what its whole should add up to. */
interface BoardListRun {
  readonly label: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** The item count the board's figures give, where they give one. */
  readonly expected?: number;
}

/**
 * Pages through a list of the board, `pageSize` items a page: the cursors of its pages (so that a page at any
 * depth can be read) and its items' JSON in order.
 */
async function pageThroughList(port: number, { path, headers }: BoardListRun, pageSize: number): Promise<{ cursors: string[]; items: string[] }> {
  const cursors: string[] = [];
  const items: string[] = [];
  for (let cursor: string | null = null; ;) {
    const separator = path.includes('?') ? '&' : '?';
    const page: { items?: unknown[]; features?: unknown[]; nextCursor: string | null } = await getJson(
      port,
      `${path}${separator}limit=${pageSize}${cursor ? `&after=${cursor}` : ''}`,
      headers,
    );
    for (const item of page.items ?? page.features ?? []) items.push(JSON.stringify(item));
    if (!page.nextCursor) return { cursors, items };
    cursors.push(page.nextCursor);
    cursor = page.nextCursor;
  }
}

async function queryRun(dataDir: string, seeded: Seeded): Promise<{ results: QueryResult[]; checks: string[]; serverRss: number }> {
  // The dispatcher of the all-in-one exchange would otherwise start delivering every stored message to the feed
  // (millions of deliveries) while we measure: its checkpoint is put at the head, as if it had delivered them.
  const config = loadConfig({ DATA_DIR: dataDir });
  const store = await openEventStore(config);
  const head = (await store.headPosition())!;
  await store.close();
  const ledger = SqliteDeliveryLedger.open(join(dataDir, 'deliveries.sqlite'));
  await ledger.record({ deliveries: [], channel: 'feed', deliveredAt: new Date().toISOString(), checkpoint: head });
  await ledger.close();

  const port = await freePort();
  const startedAt = performance.now();
  const server = await startServer('../apps/exchange/src/main.ts', { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
  const checks: string[] = [`exchange started in ${round((performance.now() - startedAt) / 1000, 1)} s`];
  try {
    const health = await getJson<{ projections?: Record<string, { checkpoint: string | null; head: string | null; lagMs: number }> }>(port, '/health');
    checks.push(
      `/health projections: ${Object.entries(health.projections ?? {})
        .map(([name, lag]) => `${name} checkpoint ${lag.checkpoint} of head ${lag.head}, lag ${lag.lagMs} ms`)
        .join('; ')}`,
    );

    const visible = seeded.cases.filter((seedCase) => seedCase.readerSeesAny).map((seedCase) => seedCase.caseId);
    const onOperation = seeded.cases.filter((seedCase) => seedCase.readerSeesOperation);
    const list = `/v1/operations/${OPERATION}/cases`;

    // Page through the whole list once: its cursor at 75 % is the deep one, and the list is checked against the board.
    const board = await getJson<BoardBody>(port, `/v1/operations/${OPERATION}`);
    const seen = new Set<string>();
    let ordered = true;
    let previous: { lastActivityAt: string; caseId: string } | undefined;
    let deepCursor: string | undefined;
    let pages = 0;
    // Pages of 100, or smaller on a small board, so that there is a cursor at 75 %.
    const pageSize = Math.max(1, Math.min(100, Math.floor(board.cases.total / 4)));
    for (let cursor: string | null = null; ;) {
      const page: CasePage = await getJson<CasePage>(port, `${list}?limit=${pageSize}${cursor ? `&after=${cursor}` : ''}`);
      pages += 1;
      for (const listed of page.cases) {
        if (
          previous &&
          (listed.lastActivityAt > previous.lastActivityAt || (listed.lastActivityAt === previous.lastActivityAt && listed.caseId >= previous.caseId))
        )
          ordered = false;
        previous = listed;
        seen.add(listed.caseId);
      }
      if (!deepCursor && seen.size >= 0.75 * board.cases.total && page.nextCursor) deepCursor = page.nextCursor;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    if (!deepCursor) throw new Error(`no cursor at 75 % of ${list}: ${seen.size} cases listed`);
    const expectedClosed = onOperation.filter((seedCase) => seedCase.readerSeesClosed).length;
    checks.push(
      `${OPERATION} as ${READER}: board says ${board.cases.total} cases (${board.cases.open} open, ${board.cases.closed} closed); ` +
        `the seeded data says ${onOperation.length} (${onOperation.length - expectedClosed} open, ${expectedClosed} closed); ` +
        `the list paged through (${pages} pages of ${pageSize}) holds ${seen.size} distinct cases, ${ordered ? 'in order' : 'OUT OF ORDER'}`,
    );
    const boardBytes = Buffer.byteLength(JSON.stringify(board));
    checks.push(
      `board answer: ${boardBytes.toLocaleString('en')} bytes (${boardBytes < 64 * 1024 ? 'under' : 'NOT under'} 64 KiB); lists ` +
        `${board.flaggedDocuments.total} flagged documents, ${board.vessels.total} vessels, ${board.vehicles.total} vehicles, ${board.locations.total} locations ` +
        `(recent: ${board.flaggedDocuments.recent.length}, ${board.vessels.recent.length}, ${board.vehicles.recent.length}, ${board.locations.recent.length})`,
    );
    const boardPath = `/v1/operations/${OPERATION}`;
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0);
    const boardLists: BoardListRun[] = [
      { label: 'documents', path: `${boardPath}/documents` },
      { label: 'documents?status=flagged', path: `${boardPath}/documents?status=flagged`, expected: board.flaggedDocuments.total },
      { label: 'vessels', path: `${boardPath}/vessels`, expected: board.vessels.total },
      { label: 'vehicles', path: `${boardPath}/vehicles`, expected: board.vehicles.total },
      { label: 'locations', path: `${boardPath}/locations`, expected: board.locations.total },
      { label: 'locations, Accept: application/geo+json', path: `${boardPath}/locations`, headers: { accept: 'application/geo+json' } },
      { label: 'interceptions', path: `${boardPath}/interceptions`, expected: board.interceptions.total },
      { label: 'persons', path: `${boardPath}/persons`, expected: sum(board.persons.byRole) },
    ];
    const listCursors = new Map<string, string[]>();
    for (const list of boardLists) {
      // Paged by 500 and by 137: the same items in the same order, whatever the pages' bounds (no repeat, no gap).
      const started = performance.now();
      const whole = await pageThroughList(port, list, 500);
      const again = await pageThroughList(port, list, 137);
      listCursors.set(list.label, whole.cursors);
      const same = whole.items.length === again.items.length && whole.items.every((item, index) => item === again.items[index]);
      const agrees =
        list.expected === undefined ? '' : whole.items.length === list.expected ? ', as the board counts' : `, BUT THE BOARD COUNTS ${list.expected}`;
      checks.push(
        `…/${list.label}: ${whole.items.length.toLocaleString('en')} items${agrees}; paged by 500 (${whole.cursors.length + 1} pages) and by 137 ` +
          `${same ? 'the same items in the same order' : 'NOT THE SAME ITEMS'} (${round((performance.now() - started) / 1000, 1)} s)`,
      );
    }
    // The read models were folded from sealed events: what they show must be opened, never a sealed value.
    const sample = visible.filter((_, index) => index % Math.max(1, Math.floor(visible.length / 200)) === 0);
    let withRole = 0;
    let persons = 0;
    let stillSealed = JSON.stringify(board).includes('"sealed"') ? 1 : 0;
    for (const caseId of sample) {
      const summary = await getJson<{ persons: { ref: string; role?: string; sealed?: unknown }[]; title: unknown }>(port, `/v1/cases/${caseId}`);
      if (JSON.stringify(summary).includes('"sealed"')) stillSealed += 1;
      persons += summary.persons.length;
      withRole += summary.persons.filter((p) => typeof p.role === 'string').length;
      if (summary.title !== null && typeof summary.title !== 'string') stillSealed += 1;
    }
    checks.push(
      `opened: the ${OPERATION} board and ${sample.length} case summaries read as ${READER}: ${persons} persons, ${withRole} of them with their role in clear ` +
        `(the others known to ${READER} only from a later update naming them), ${stillSealed === 0 ? 'no sealed value anywhere' : `${stillSealed} RESPONSES HOLD SEALED VALUES`}`,
    );
    const taskForce = await getJson<BoardBody>(port, `/v1/task-forces/${TASK_FORCE}`);
    const onTaskForce = seeded.cases.filter((seedCase) => seedCase.readerSeesTaskForce).length;
    checks.push(`${TASK_FORCE} as ${READER}: board says ${taskForce.cases.total} cases; the seeded data says ${onTaskForce}`);
    for (const [filter, holds] of [
      ['status=closed', (listed: CasePage['cases'][number]) => listed.status === 'closed'],
      ['crimeArea=firearms_trafficking', (listed: CasePage['cases'][number]) => listed.crimeAreas.includes('firearms_trafficking')],
    ] as const) {
      const page = await getJson<CasePage>(port, `${list}?${filter}&limit=100`);
      checks.push(`${filter}: first page ${page.cases.length} cases, ${page.cases.every(holds) ? 'all match' : 'SOME DO NOT MATCH'}`);
    }

    const results: QueryResult[] = [];
    // The machine is shared: the load average and the server's CPU over each query phase tell a disturbed one.
    const run = async (label: string, paths: readonly string[]) => {
      console.log(`  ${label}…`);
      const cpuBefore = cpuMs(server.pid!);
      const started = performance.now();
      results.push(await measure(port, label, paths));
      const serverCpu = (cpuMs(server.pid!) - cpuBefore) / (performance.now() - started);
      checks.push(`${label}: load average ${loadavg()[0].toFixed(2)} at its end, server CPU ${Math.round(100 * serverCpu)} % of one core while it ran`);
    };
    await run(`GET /v1/operations/${OPERATION} (board)`, [`/v1/operations/${OPERATION}`]);
    await run(`GET /v1/task-forces/${TASK_FORCE} (board)`, [`/v1/task-forces/${TASK_FORCE}`]);
    await run(`GET …/cases?limit=100 (first page)`, [`${list}?limit=100`]);
    await run(`GET …/cases?limit=100&after= (cursor at 75 % of the list)`, [`${list}?limit=100&after=${deepCursor}`]);
    await run(`GET …/cases?crimeArea=document_fraud&limit=100`, [`${list}?crimeArea=document_fraud&limit=100`]);
    await run(`GET …/cases?crimeArea=firearms_trafficking&limit=100 (rare)`, [`${list}?crimeArea=firearms_trafficking&limit=100`]);
    await run(`GET …/cases?status=closed&limit=100`, [`${list}?status=closed&limit=100`]);
    await run(
      `GET /v1/cases/{random case ${READER} sees}`,
      visible.map((caseId) => `/v1/cases/${caseId}`),
    );
    for (const list of boardLists) {
      // The first page and pages at every depth, picked at random: a page of 100 after any cursor of the list.
      const separator = list.path.includes('?') ? '&' : '?';
      const paths = [`${list.path}${separator}limit=100`, ...listCursors.get(list.label)!.map((cursor) => `${list.path}${separator}limit=100&after=${cursor}`)];
      console.log(`  GET …/${list.label} (a page of 100 at a random depth)…`);
      const cpuBefore = cpuMs(server.pid!);
      const started = performance.now();
      results.push(await measure(port, `GET …/${list.label}, limit=100 (a page at a random depth of ${paths.length})`, paths, list.headers));
      const serverCpu = (cpuMs(server.pid!) - cpuBefore) / (performance.now() - started);
      checks.push(`…/${list.label}: load average ${loadavg()[0].toFixed(2)} at its end, server CPU ${Math.round(100 * serverCpu)} % of one core while it ran`);
    }
    results.push(await staticResponseFloor(Buffer.from(JSON.stringify(board))));
    const serverRss = rssMiB(server.pid!);
    checks.push(await liveProjection(port));
    return { results, checks, serverRss };
  } finally {
    await stop(server);
  }
}

/**
 * The running projector at this size: new messages posted one after another, each timed from the POST until
 * /health shows both projections' checkpoints at its position. The first also loads the boards' cases from the
 * read model (the projector of a fresh process holds none in memory).
 */
async function liveProjection(port: number): Promise<string> {
  const lags: number[] = [];
  const rendered: number[] = [];
  for (let n = 1; n <= 5; n++) {
    const caseId = `IT-2026-9${String(n).padStart(8, '0')}`;
    const message = realisticCaseOpened(caseId, uuid(), READER, new Date());
    const body = JSON.stringify({ ...message, header: { ...message.header, distribution: { scope: 'operation', operations: [OPERATION] } } });
    const started = performance.now();
    const posted = await request(port, 'POST', '/v1/messages', body);
    if (posted.status !== 201) throw new Error(`POST /v1/messages answered ${posted.status}: ${posted.body.toString().slice(0, 300)}`);
    const position = BigInt((JSON.parse(posted.body.toString()) as { position: string }).position);
    for (;;) {
      const health = await getJson<{ projections: Record<string, { checkpoint: string | null }> }>(port, '/health');
      if (Object.values(health.projections).every((lag) => lag.checkpoint !== null && BigInt(lag.checkpoint) >= position)) break;
      if (performance.now() - started > 120_000) throw new Error('the projections did not fold a new message within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    lags.push(performance.now() - started);
    const read = performance.now();
    const board = await get(port, `/v1/operations/${OPERATION}`);
    if (board.status !== 200) throw new Error(`GET the board answered ${board.status}`);
    rendered.push(performance.now() - read);
  }
  return (
    `live projector: 5 new case.opened for ${OPERATION} from ${READER} posted one after another (each changes the ${OPERATION} board of 3 readers); ` +
    `POST → both projections' checkpoints at its position: ${lags.map((ms) => round(ms, 0)).join(', ')} ms; ` +
    `then GET ${OPERATION} (rendered again, the board having changed): ${rendered.map((ms) => round(ms, 0)).join(', ')} ms`
  );
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

// ---- main ----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (messages < caseCount) throw new Error('--messages must be at least --cases (one case.opened per case)');
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-bench-boards-'));
  const sampler = startRssSampler();
  try {
    console.log(`machine: ${machine()}`);
    console.log(`1/3 seeding ${messages.toLocaleString('en')} messages over ${caseCount.toLocaleString('en')} cases into ${join(dataDir, 'events.sqlite')}…`);
    const config = loadConfig({ DATA_DIR: dataDir, PERSONAL_DATA_ENCRYPTION: process.env.PERSONAL_DATA_ENCRYPTION });
    const directory = PartyDirectory.fromFile(config.partiesFile);
    const store = await openEventStore(config);
    const keys = new TimedKeyStore(SqliteKeyStore.open(join(dataDir, 'keys.sqlite')));
    const seeded = await seed(store, directory, sampler, keys, config.personalData.encryption);
    await keys.close();
    await store.close();
    const storeBytes = statSync(join(dataDir, 'events.sqlite')).size;
    const sizes = storedSizes(join(dataDir, 'events.sqlite'));
    const keyStats = keyStoreStats(join(dataDir, 'keys.sqlite'));
    console.log(
      `  seeded in ${round(seeded.seconds)} s (${Math.round(messages / seeded.seconds).toLocaleString('en')} messages/s), peak RSS ${round(seeded.peakRss)} MiB`,
    );

    console.log('2/3 rebuilding the projections…');
    const rebuilt = await rebuildAll(dataDir, sampler);
    const readModelBytes = statSync(join(dataDir, 'read-models.sqlite')).size;

    console.log(`3/3 queries: ${WARM_UP} warm-up + ${queries} sequential keep-alive requests each, as ${READER}…`);
    const { results, checks, serverRss } = await queryRun(dataDir, seeded);

    const mib = (value: number) => round(value / 2 ** 20, 1);
    console.log(`\nmachine: ${machine()}`);
    console.log(
      `\nSeeded ${messages.toLocaleString('en')} messages over ${caseCount.toLocaleString('en')} cases in ${round(seeded.seconds)} s ` +
        `(${Math.round(messages / seeded.seconds).toLocaleString('en')} messages/s decided and appended, peak RSS ${round(seeded.peakRss)} MiB): ` +
        Object.entries(seeded.byType)
          .map(([type, count]) => `${type} ${count.toLocaleString('en')}`)
          .join(', ') +
        '.',
    );
    console.log(
      `Stored events (data = message + receivedAt + entitledParties + caseFacets, as JSON): ${sizes.map((size) => `${size.type} ${size.count.toLocaleString('en')} × ${size.bytes.toLocaleString('en')} B`).join(', ')}; ` +
        `average ${Math.round(sizes.reduce((total, size) => total + size.count * size.bytes, 0) / messages).toLocaleString('en')} B, events.sqlite ${mib(storeBytes)} MiB. ` +
        `case.opened is a full realistic report (the fixture's, varied: 2–8 persons); case.updated holds only a few new or changed items, so the store is not 1M × 5 KB.`,
    );
    const sealedEvents = sizes.reduce((total, size) => total + size.sealed, 0);
    console.log(
      `Personal data ${seeded.sealing.on ? 'sealed' : 'NOT sealed (PERSONAL_DATA_ENCRYPTION=off)'}: ${sealedEvents.toLocaleString('en')} of ${messages.toLocaleString('en')} stored events hold sealed values ` +
        `(${sizes.map((size) => `${size.type} ${size.sealed.toLocaleString('en')}`).join(', ')}); keys.sqlite ${mib(keyStats.bytes)} MiB, ${keyStats.keys.toLocaleString('en')} data keys of ${keyStats.cases.toLocaleString('en')} cases. ` +
        `Sealing in the seed: ${round(seeded.sealing.seconds, 1)} s of its ${round(seeded.seconds, 1)} s (${Math.round((100 * seeded.sealing.seconds) / seeded.seconds)} %) awaiting the seals of ${seeded.sealing.chunks.toLocaleString('en')} chunks of ${APPENDS_PER_CHUNK.toLocaleString('en')}, ` +
        `of which ${round(seeded.sealing.keyStoreSeconds, 1)} s until the key store answered (its transaction, one a chunk) and ${round(seeded.sealing.seconds - seeded.sealing.keyStoreSeconds, 1)} s encrypting (AES-256-GCM, JSON, base64); ` +
        `${Math.round((seeded.sealing.seconds * 1e6) / messages)} µs a message.`,
    );

    console.log(
      '\n| rebuild | events | seconds | events/s | read + fold s | swap s | RSS at start → peak MiB | rows | ≥ 50,000 events/s |\n' +
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    );
    for (const row of rebuilt) {
      const rate = row.events / row.seconds;
      const verdict = row.isProjection ? (rate >= REBUILD_TARGET ? 'met' : '**not met**') : '(ceiling)';
      console.log(
        `| ${row.label} | ${row.events.toLocaleString('en')} | ${round(row.seconds, 2)} | ${Math.round(rate).toLocaleString('en')} | ${round(row.foldSeconds, 2)} | ${round(row.swapSeconds, 2)} | ${round(row.startRss)} → ${round(row.peakRss)} | ${row.rows} | ${verdict} |`,
      );
    }
    const projections = rebuilt.filter((row) => row.isProjection);
    console.log(
      `\nread-models.sqlite ${mib(readModelBytes)} MiB. ` +
        `Target ≥ 50,000 events/s at 1,000,000 messages${messages === 1_000_000 ? '' : ` (this run: ${messages.toLocaleString('en')})`}: ` +
        projections.map((row) => `${row.label} ${row.events / row.seconds >= REBUILD_TARGET ? 'met' : 'NOT met'}`).join(', ') +
        '.',
    );

    console.log(
      `\n| query (as ${READER}) | requests | p50 ms | p95 ms | p99 ms | max ms | first byte p50 / p99 ms | response bytes | client GC max ms | p99 ≤ ${QUERY_P99_TARGET_MS} ms |\n` +
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const result of results) {
      const verdict = result.label.startsWith('floor')
        ? '(floor)'
        : result.failed > 0
          ? `${result.failed} failed`
          : result.p99 <= QUERY_P99_TARGET_MS
            ? 'met'
            : '**not met**';
      console.log(
        `| ${result.label} | ${result.count} | ${round(result.p50, 2)} | ${round(result.p95, 2)} | ${round(result.p99, 2)} | ${round(result.max, 2)} | ` +
          `${round(result.firstByteP50, 2)} / ${round(result.firstByteP99, 2)} | ${Math.round(result.bytes).toLocaleString('en')} | ${round(result.clientGcMaxMs, 1)}${result.clientGcMaxKind ? ` (${result.clientGcMaxKind})` : ''} | ${verdict} |`,
      );
    }
    console.log(
      `\nTarget p99 ≤ ${QUERY_P99_TARGET_MS} ms at 10,000 cases${caseCount === 10_000 ? '' : ` (this run: ${caseCount.toLocaleString('en')} cases)`}; server RSS after the queries ${round(serverRss)} MiB.`,
    );
    const verdict = (rows: QueryResult[]) => (rows.length > 0 && rows.every((row) => row.failed === 0 && row.p99 <= QUERY_P99_TARGET_MS) ? 'met' : 'NOT met');
    const boards = results.filter((result) => result.label.includes('(board)'));
    const lists = results.filter((result) => result.label.includes('a page at a random depth'));
    console.log(
      `Bounded boards (issue 13): board p99 ≤ ${QUERY_P99_TARGET_MS} ms ${verdict(boards)} (${boards.map((row) => `${round(row.p99, 2)} ms, ${Math.round(row.bytes).toLocaleString('en')} bytes`).join('; ')}); ` +
        `every board list page p99 ≤ ${QUERY_P99_TARGET_MS} ms ${verdict(lists)} (worst ${round(Math.max(...lists.map((row) => row.p99)), 2)} ms).`,
    );
    console.log('\nChecks:');
    for (const check of checks) console.log(`- ${check}`);
    for (const result of results.filter((r) => r.firstFailure))
      console.log(`- ${result.label}: ${result.failed} failed, the first with ${result.firstFailure}`);
  } finally {
    agent.destroy();
    await sampler.stop();
    if (keepData) console.log(`data left in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
