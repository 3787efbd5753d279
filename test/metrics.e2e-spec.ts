import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusText } from '@cmx/platform/metrics/testing/prometheus-text';
import { PROJECTION_NAMES } from '@cmx/projector/project-events/projection';
import { engineTest, inFreshSchema } from './support/engines';
import { DEMO_KEYS, ExchangeClient } from './support/exchange-client';
import { SseConnection } from './support/feed';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { messageOf, newCaseId } from './support/messages';
import { ServiceName, ServiceProcess, startServiceProcess } from './support/service-process';

const PROMETHEUS_TEXT_FORMAT = /^text\/plain; version=0\.0\.4; charset=utf-8$/;

async function scrape(baseUrl: string): Promise<PrometheusText> {
  const response = await fetch(`${baseUrl}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text}`);
  expect(response.headers.get('content-type')).toMatch(PROMETHEUS_TEXT_FORMAT);
  return new PrometheusText(text);
}

async function scrapeUntil(baseUrl: string, what: string, predicate: (metrics: PrometheusText) => boolean, timeoutMs = 15_000): Promise<PrometheusText> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await scrape(baseUrl);
    if (predicate(metrics)) return metrics;
    if (Date.now() > deadline) throw new Error(`/metrics: ${what} not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ndjson = (messages: readonly unknown[]) => messages.map((message) => JSON.stringify(message)).join('\n') + '\n';

/**
 * Traffic of known shape through one exchange, then its /metrics read with a Prometheus text parser: every counter
 * at the value the traffic makes, the HTTP histogram by route pattern and status, the store's commits, the SSE gauge
 * while a stream is open and after it closed, the lags, and no case id in any label.
 */
async function trafficThenScrape(exchange: InProcessExchange, delivery: 'feed' | 'kafka'): Promise<void> {
  const italy = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
  const caseIds = [newCaseId(), newCaseId(), newCaseId()];
  const opened = caseIds.map((caseId) => messageOf('case.opened', { caseId }));
  for (const message of opened) expect((await italy.post(message)).status).toBe(201);
  expect((await italy.post(opened[0])).status).toBe(200);
  for (const priority of ['whenever', 'soonish']) {
    const invalid = messageOf('case.updated', { caseId: caseIds[0], header: { priority: priority as never } });
    expect((await italy.post(invalid)).body.error).toBe('invalid_message');
  }
  expect((await italy.post(messageOf('case.opened', { caseId: caseIds[1] }))).body.error).toBe('case_already_exists');
  const batchCase = newCaseId();
  caseIds.push(batchCase);
  const batch = await italy.request(
    'POST',
    '/v1/messages:batch',
    ndjson([messageOf('case.opened', { caseId: batchCase }), messageOf('case.updated', { caseId: batchCase, header: { priority: 'whenever' as never } })]),
    { 'content-type': 'application/x-ndjson' },
  );
  expect(batch.status).toBe(200);
  expect((await italy.timeline(caseIds[0])).status).toBe(200);
  expect((await new ExchangeClient(exchange.baseUrl, 'FRONTEX').timeline(caseIds[0])).status).toBe(404);

  const stream = await SseConnection.open(exchange.baseUrl, DEMO_KEYS['NCB-GR'], '/v1/feed');
  let metrics: PrometheusText;
  try {
    expect(stream.status).toBe(200);
    // Every accepted message delivered and projected: the lags then read as caught up.
    metrics = await scrapeUntil(
      exchange.baseUrl,
      'the dispatcher and the projections caught up',
      (read) =>
        read.samples('cmx_dispatcher_lag_seconds').length === 1 &&
        read.samples('cmx_projection_lag_seconds').length === PROJECTION_NAMES.length &&
        read.sum('cmx_dispatcher_lag_seconds') + read.sum('cmx_projection_lag_seconds') === 0,
    );
    expect(metrics.value('cmx_feed_sse_connections')).toBe(1);
  } finally {
    await stream.close();
  }
  const afterClose = await scrapeUntil(exchange.baseUrl, 'the SSE stream counted closed', (read) => read.value('cmx_feed_sse_connections') === 0);
  expect(afterClose.value('cmx_feed_sse_connections')).toBe(0);

  expect(metrics.family('cmx_messages_accepted_total').type).toBe('COUNTER');
  expect(metrics.value('cmx_messages_accepted_total', { channel: 'http', party: 'NCB-IT' })).toBe(3);
  expect(metrics.value('cmx_messages_repeated_total', { channel: 'http', party: 'NCB-IT' })).toBe(1);
  expect(metrics.value('cmx_messages_refused_total', { channel: 'http', party: 'NCB-IT', code: 'invalid_message' })).toBe(2);
  expect(metrics.value('cmx_messages_refused_total', { channel: 'http', party: 'NCB-IT', code: 'case_already_exists' })).toBe(1);
  expect(metrics.value('cmx_messages_accepted_total', { channel: 'batch', party: 'NCB-IT' })).toBe(1);
  expect(metrics.value('cmx_messages_refused_total', { channel: 'batch', party: 'NCB-IT', code: 'invalid_message' })).toBe(1);
  expect(metrics.sum('cmx_messages_accepted_total')).toBe(4);
  expect(metrics.sum('cmx_messages_refused_total')).toBe(4);

  const http = 'cmx_http_request_duration_seconds';
  expect(metrics.family(http).type).toBe('HISTOGRAM');
  expect(metrics.count(http, { method: 'POST', route: '/v1/messages', status: '201' })).toBe(3);
  expect(metrics.count(http, { method: 'POST', route: '/v1/messages', status: '200' })).toBe(1);
  expect(metrics.count(http, { method: 'POST', route: '/v1/messages', status: '400' })).toBe(2);
  expect(metrics.count(http, { method: 'POST', route: '/v1/messages', status: '409' })).toBe(1);
  expect(metrics.count(http, { method: 'POST', route: '/v1/messages:batch', status: '200' })).toBe(1);
  expect(metrics.count(http, { method: 'GET', route: '/v1/cases/:caseId/timeline', status: '200' })).toBe(1);
  expect(metrics.count(http, { method: 'GET', route: '/v1/cases/:caseId/timeline', status: '404' })).toBe(1);
  const [timeline] = metrics.samples(http, { method: 'GET', route: '/v1/cases/:caseId/timeline', status: '200' });
  expect(timeline.buckets!['+Inf']).toBe('1');
  expect(Number(timeline.sum)).toBeGreaterThan(0);

  // Four messages stored, in commits of one append at least each; every commit timed.
  const [appends] = metrics.samples('cmx_event_store_commit_appends');
  const [events] = metrics.samples('cmx_event_store_commit_events');
  const [commitSeconds] = metrics.samples('cmx_event_store_commit_seconds');
  expect(Number(appends.count)).toBeGreaterThan(0);
  expect(Number(events.sum)).toBe(4);
  expect(commitSeconds.count).toBe(appends.count);
  expect(Number(commitSeconds.sum)).toBeGreaterThan(0);

  expect(
    metrics
      .samples('cmx_projection_lag_seconds')
      .map((sample) => sample.labels!.projection)
      .sort(),
  ).toEqual([...PROJECTION_NAMES].sort());
  expect(metrics.samples('cmx_dispatcher_lag_seconds').map((sample) => sample.labels)).toEqual([{ channel: delivery }]);
  if (delivery === 'kafka') expect(metrics.value('cmx_kafka_produce_errors_total')).toBe(0);
  else expect(metrics.has('cmx_kafka_produce_errors_total')).toBe(false);
  expect(metrics.has('process_cpu_user_seconds_total')).toBe(true);
  expect(metrics.has('nodejs_heap_size_used_bytes')).toBe(true);

  const labelValues = metrics.families.flatMap((family) => family.metrics.flatMap((sample) => Object.values(sample.labels ?? {})));
  for (const caseId of caseIds) expect(labelValues.filter((value) => value.includes(caseId))).toEqual([]);
}

describe('GET /metrics', () => {
  let exchange: InProcessExchange | undefined;
  afterEach(async () => {
    await exchange?.close();
    exchange = undefined;
  });

  it('on SQLite: answers without an API key in the Prometheus text format, each figure as the traffic made it', async () => {
    exchange = await startInProcessExchange();
    expect((await ExchangeClient.anonymous(exchange.baseUrl).request('GET', '/metrics')).status).toBe(200);
    await trafficThenScrape(exchange, 'feed');
  }, 60_000);

  it('keeps each exchange of a process apart: a second one counts only its own traffic', async () => {
    exchange = await startInProcessExchange();
    const other = await startInProcessExchange();
    try {
      expect((await new ExchangeClient(exchange.baseUrl, 'NCB-IT').post(messageOf('case.opened', { caseId: newCaseId() }))).status).toBe(201);
      expect((await scrape(exchange.baseUrl)).value('cmx_messages_accepted_total', { channel: 'http', party: 'NCB-IT' })).toBe(1);
      expect((await scrape(other.baseUrl)).value('cmx_messages_accepted_total', { channel: 'http', party: 'NCB-IT' })).toBe(0);
    } finally {
      await other.close();
    }
  }, 60_000);

  engineTest(
    'PostgreSQL and Kafka',
    ['DATABASE_URL', 'KAFKA_BROKERS'],
    'on PostgreSQL with Kafka delivery: the same figures, and the Kafka produce error counter at 0',
    (databaseUrl) =>
      inFreshSchema(
        databaseUrl,
        async (schema) => {
          exchange = await startInProcessExchange({
            EVENT_STORE: 'postgres',
            DATABASE_URL: databaseUrl,
            DATABASE_SCHEMA: schema,
            DELIVERY: 'kafka',
            KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
          });
          await trafficThenScrape(exchange, 'kafka');
        },
        async () => {
          await exchange?.close();
          exchange = undefined;
        },
      ),
  );
});

describe('GET /metrics of the services started alone (dist/)', () => {
  const processes: ServiceProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'cmx-metrics-'));
  afterAll(async () => {
    await Promise.all(processes.splice(0).map((service) => service.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (service: ServiceName) => {
    const started = await startServiceProcess(service, { DATA_DIR: dataDir, DELIVERY: 'feed' });
    processes.push(started);
    return started;
  };

  it('the projector: its projections’ lags, its /health probes timed, the process metrics', async () => {
    const projector = await start('projector');
    const metrics = await scrapeUntil(
      projector.baseUrl,
      'every projection',
      (read) => read.samples('cmx_projection_lag_seconds').length === PROJECTION_NAMES.length,
    );
    expect(
      metrics
        .samples('cmx_projection_lag_seconds')
        .map((sample) => [sample.labels!.projection, sample.value])
        .sort(),
    ).toEqual(PROJECTION_NAMES.map((name) => [name, '0']).sort());
    expect(metrics.count('cmx_http_request_duration_seconds', { method: 'GET', route: '/health', status: '200' })).toBeGreaterThan(0);
    expect(metrics.has('process_resident_memory_bytes')).toBe(true);
  }, 60_000);

  it('the dispatcher: its lag, the SSE gauge at 0, no Kafka counter on the feed', async () => {
    const dispatcher = await start('dispatcher');
    const metrics = await scrapeUntil(dispatcher.baseUrl, 'the dispatcher lag', (read) => read.samples('cmx_dispatcher_lag_seconds').length === 1);
    expect(metrics.samples('cmx_dispatcher_lag_seconds')).toEqual([{ labels: { channel: 'feed' }, value: '0' }]);
    expect(metrics.value('cmx_feed_sse_connections')).toBe(0);
    expect(metrics.has('cmx_kafka_produce_errors_total')).toBe(false);
  }, 60_000);

  it('npm start (the exchange with its background process): the lags of the child’s dispatcher and projections, relayed', async () => {
    const exchangeProcess = await startServiceProcess('exchange', { DATA_DIR: mkdtempSync(join(dataDir, 'exchange-')), EXCHANGE_BACKGROUND: 'process' });
    processes.push(exchangeProcess);
    const caseId = newCaseId();
    expect((await new ExchangeClient(exchangeProcess.baseUrl, 'NCB-IT').post(messageOf('case.opened', { caseId }))).status).toBe(201);
    const metrics = await scrapeUntil(
      exchangeProcess.baseUrl,
      'the child caught up',
      (read) =>
        read.samples('cmx_projection_lag_seconds').length === PROJECTION_NAMES.length &&
        read.samples('cmx_dispatcher_lag_seconds').length === 1 &&
        read.sum('cmx_projection_lag_seconds') + read.sum('cmx_dispatcher_lag_seconds') === 0,
      30_000,
    );
    expect(metrics.samples('cmx_dispatcher_lag_seconds').map((sample) => sample.labels)).toEqual([{ channel: 'feed' }]);
    expect(metrics.value('cmx_messages_accepted_total', { channel: 'http', party: 'NCB-IT' })).toBe(1);
    expect(Number(metrics.samples('cmx_event_store_commit_events')[0].sum)).toBe(1);
  }, 90_000);
});
