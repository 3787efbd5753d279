import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { erasureRequest, projectionsCaughtUp, tokensIn, uniquePhone, uniqueToken } from './support/erasure';
import { ExchangeClient, type HttpAnswer } from './support/exchange-client';
import { messageOf, newCaseId } from './support/messages';
import { startExchangeProcess, type ServiceProcess } from './support/service-process';

/** Needs dist/: `npm run build` (npm test builds first). */
jest.setTimeout(90_000);

const HYDRA = { scope: 'operation', operations: ['OP-HYDRA-2026'] }; // NCB-IT, NCB-GR, EUROPOL
const DATE_OF_BIRTH = '1961-11-23';

interface LogLine {
  readonly time: string;
  readonly level: string;
  readonly service: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/**
 * The all-in-one as `npm start` runs it (its background process too), at its most talkative (LOG_LEVEL=trace): a case
 * naming persons posted, refused with those values in it, read, erased. Its stdout is JSON lines with one line per
 * request; neither stdout nor stderr holds a value of a person.
 */
describe('structured logs', () => {
  let dataDir: string;
  let exchange: ServiceProcess;
  let lines: LogLine[];
  const values = {
    familyName: uniqueToken('FAM'),
    givenNames: uniqueToken('GIV'),
    alias: uniqueToken('ALI'),
    phone: uniquePhone(),
    document: uniqueToken('DOC'),
  };
  const caseId = newCaseId();
  const requestIds: Record<string, string | null> = {};
  const refusals: HttpAnswer[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cmx-logs-'));
    // No AUDIT_SIGNING_KEY_FILE: the exchange makes its key under DATA_DIR and warns, before its app exists.
    exchange = await startExchangeProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'trace', AUDIT_SIGNING_KEY_FILE: '' });
    const owner = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    const person = {
      ref: 'P1',
      role: 'organiser',
      familyName: values.familyName,
      givenNames: values.givenNames,
      dateOfBirth: DATE_OF_BIRTH,
      aliases: [values.alias],
      identifiers: [{ type: 'phone', value: values.phone }],
    };
    const opened = messageOf('case.opened', {
      caseId,
      header: { distribution: HYDRA as never },
      body: {
        title: 'Departures from Zuwara',
        summary: 'A network of drivers',
        crimeAreas: ['migrant_smuggling'],
        persons: [person],
        documents: [{ ref: 'D1', type: 'passport', number: values.document, issuingCountry: 'SY', status: 'stolen', holderRef: 'P1' }],
      },
    });

    const accepted = await owner.request('POST', '/v1/messages', JSON.stringify(opened), { 'x-request-id': 'logs-test-accepted' });
    expect(accepted.status).toBe(201);
    requestIds.accepted = accepted.headers.get('x-request-id');

    // Refused: a person's values in an unknown field, and a date of birth that is not a date.
    const refusedMessage = messageOf('case.updated', {
      caseId,
      body: { persons: [{ ...person, dateOfBirth: `${DATE_OF_BIRTH}T${values.familyName}`, nickname: values.givenNames }] },
    });
    const refused = await owner.post(refusedMessage);
    expect(refused.status).toBe(400);
    refusals.push(refused);
    requestIds.refused = refused.headers.get('x-request-id');

    // Refused before it is read as a message: a body that is not JSON, on the HTTP route and as a batch line
    // (a batch with one line of JSON is answered line by line).
    const notJson = `${values.familyName} ${values.givenNames}, ${DATE_OF_BIRTH}, ${values.phone}`;
    refusals.push(await owner.request('POST', '/v1/messages', notJson, { 'content-type': 'application/json' }));
    refusals.push(await owner.request('POST', '/v1/messages:batch', `${notJson}\n{}\n`, { 'content-type': 'application/x-ndjson' }));

    const reader = new ExchangeClient(exchange.baseUrl, 'NCB-GR');
    expect((await reader.timeline(caseId)).status).toBe(200);
    expect((await ExchangeClient.anonymous(exchange.baseUrl).timeline(caseId)).status).toBe(401);
    const erased = await erasureRequest(owner, caseId, { personRefs: ['P1'], reason: 'court order 12/2026', legalBasis: 'national law' });
    expect(erased.status).toBe(201);
    await projectionsCaughtUp(owner, 30_000);
    await exchange.stop();
    lines = exchange
      .stdout()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as LogLine);
  });

  afterAll(async () => {
    await exchange?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes only JSON lines on stdout, each with its time, level, service and message', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(line).toEqual(
        expect.objectContaining({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: expect.any(String), service: expect.any(String) }),
      );
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(line.level);
    }
    expect(new Set(lines.map((line) => line.service))).toEqual(new Set(['case-exchange', 'case-exchange-background']));
    expect(lines.some((line) => line.msg?.startsWith('Case exchange listening on'))).toBe(true);
    expect(lines.some((line) => line.level === 'warn' && line.msg?.startsWith('made a new audit signing key'))).toBe(true);
  });

  it('logs each request with its id (the one sent, else a new one, echoed in x-request-id), party, route, status and duration', () => {
    expect(requestIds.accepted).toBe('logs-test-accepted');
    expect(requestIds.refused).toMatch(/^[0-9a-f-]{36}$/);
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.find((line) => line.requestId === 'logs-test-accepted')).toEqual(
      expect.objectContaining({ level: 'info', party: 'NCB-IT', method: 'POST', route: '/v1/messages', status: 201, durationMs: expect.any(Number) }),
    );
    expect(requests.find((line) => line.requestId === requestIds.refused)).toEqual(
      expect.objectContaining({ party: 'NCB-IT', route: '/v1/messages', status: 400 }),
    );
    expect(requests).toContainEqual(expect.objectContaining({ party: 'NCB-GR', method: 'GET', route: '/v1/cases/:caseId/timeline', status: 200 }));
    expect(requests).toContainEqual(expect.objectContaining({ party: null, route: '/v1/cases/:caseId/timeline', status: 401 }));
    expect(requests).toContainEqual(expect.objectContaining({ party: 'NCB-IT', method: 'POST', route: '/v1/cases/:caseId/erasures', status: 201 }));
    expect(requests.every((line) => !String(line.route).includes(caseId))).toBe(true);
  });

  it('answers the refusals without the values they refused', () => {
    expect(refusals.map((answer) => answer.status)).toEqual([400, 400, 200]);
    expect(refusals[1].body.error).toBe('invalid_json');
    const answers = JSON.stringify(refusals.map((answer) => answer.body));
    expect(answers).toContain('invalid_json');
    // JSON.parse quotes the first ten characters of a body it cannot read: no value, not even its start.
    for (const value of [...Object.values(values), DATE_OF_BIRTH]) expect(answers).not.toContain(value.slice(0, 8));
  });

  it('holds no value of a person, on stdout or stderr', () => {
    const output = exchange.output();
    expect([...tokensIn(output)]).toEqual([]);
    for (const value of [...Object.values(values), DATE_OF_BIRTH]) expect(output).not.toContain(value);
  });
});
