import { CaseAlreadyExists } from '@cmx/case-domain';
import { InvalidMessage } from '@cmx/errors';
import { DISPATCHER_LAG_SECTION, ExchangeMetrics, PROJECTION_LAG_SECTION } from './exchange-metrics';
import { lagSecondsOf, refusalCodeLabel, routeLabel } from './metric-labels';
import { PrometheusText } from './testing/prometheus-text';

const scrape = async (metrics: ExchangeMetrics) => new PrometheusText(await metrics.text());

describe('metric labels', () => {
  it('names a route by its pattern, a literal colon unescaped, and a request that matched none as unmatched', () => {
    expect(routeLabel('/v1/cases/:caseId/timeline')).toBe('/v1/cases/:caseId/timeline');
    expect(routeLabel('/v1/messages::batch')).toBe('/v1/messages:batch');
    expect(routeLabel(undefined)).toBe('unmatched');
  });

  it('names a refusal by its stable code, and anything else internal_error', () => {
    expect(refusalCodeLabel(new InvalidMessage([]))).toBe('invalid_message');
    expect(refusalCodeLabel(new CaseAlreadyExists('IT-2026-1'))).toBe('case_already_exists');
    expect(refusalCodeLabel(new Error('disk full'))).toBe('internal_error');
    expect(refusalCodeLabel('a string')).toBe('internal_error');
  });

  it('reads the seconds of a /health lag report, and none from a report without one', () => {
    expect(lagSecondsOf({ checkpoint: '4', head: '9', lagMs: 1500 })).toBe(1.5);
    expect(lagSecondsOf({ status: 'unknown' })).toBeUndefined();
    expect(lagSecondsOf({ error: 'closed' })).toBeUndefined();
    expect(lagSecondsOf(undefined)).toBeUndefined();
  });
});

describe('ExchangeMetrics', () => {
  it('keeps each instance in a registry of its own', async () => {
    const one = new ExchangeMetrics();
    const other = new ExchangeMetrics();
    one.observeSubmission('http', 'NCB-IT', { firstReceipt: true });
    expect((await scrape(one)).value('cmx_messages_accepted_total', { channel: 'http', party: 'NCB-IT' })).toBe(1);
    expect((await scrape(other)).value('cmx_messages_accepted_total', { channel: 'http', party: 'NCB-IT' })).toBe(0);
  });

  it('counts accepted, repeated and refused messages by channel, party and code', async () => {
    const metrics = new ExchangeMetrics();
    metrics.observeSubmission('batch', 'NCB-IT', { firstReceipt: true });
    metrics.observeSubmission('batch', 'NCB-IT', { firstReceipt: true });
    metrics.observeSubmission('batch', 'NCB-IT', { firstReceipt: false });
    metrics.observeSubmission('grpc', 'NCB-GR', { refusal: new InvalidMessage([]) });
    metrics.observeSubmission('grpc', 'NCB-GR', { refusal: new Error('boom') });
    const text = await scrape(metrics);
    expect(text.family('cmx_messages_accepted_total').type).toBe('COUNTER');
    expect(text.value('cmx_messages_accepted_total', { channel: 'batch', party: 'NCB-IT' })).toBe(2);
    expect(text.value('cmx_messages_repeated_total', { channel: 'batch', party: 'NCB-IT' })).toBe(1);
    expect(text.value('cmx_messages_refused_total', { channel: 'grpc', party: 'NCB-GR', code: 'invalid_message' })).toBe(1);
    expect(text.value('cmx_messages_refused_total', { channel: 'grpc', party: 'NCB-GR', code: 'internal_error' })).toBe(1);
  });

  it('puts HTTP answers in a histogram by method, route pattern and status', async () => {
    const metrics = new ExchangeMetrics();
    metrics.observeHttpRequest('GET', '/v1/cases/:caseId/timeline', 200, 0.004);
    metrics.observeHttpRequest('GET', '/v1/cases/:caseId/timeline', 404, 0.002);
    metrics.observeHttpRequest('GET', undefined, 404, 0.001);
    const text = await scrape(metrics);
    const [timeline] = text.samples('cmx_http_request_duration_seconds', { route: '/v1/cases/:caseId/timeline', status: '200' });
    expect(timeline).toMatchObject({ labels: { method: 'GET', route: '/v1/cases/:caseId/timeline', status: '200' }, count: '1' });
    expect(timeline.buckets!['0.0025']).toBe('0');
    expect(timeline.buckets!['0.005']).toBe('1');
    expect(text.count('cmx_http_request_duration_seconds', { route: 'unmatched' })).toBe(1);
  });

  it('records each event store commit: appends, events and seconds', async () => {
    const metrics = new ExchangeMetrics();
    metrics.observeCommit({ appends: 3, events: 5, commitMs: 2 });
    metrics.observeCommit({ appends: 1, events: 1, commitMs: 30 });
    const text = await scrape(metrics);
    expect(text.samples('cmx_event_store_commit_appends')[0]).toMatchObject({ count: '2', sum: '4' });
    expect(text.samples('cmx_event_store_commit_events')[0]).toMatchObject({ count: '2', sum: '6' });
    expect(text.samples('cmx_event_store_commit_seconds')[0]).toMatchObject({ count: '2', sum: '0.032' });
  });

  it('counts open SSE connections, each closed once however often its closer is called', async () => {
    const metrics = new ExchangeMetrics();
    const first = metrics.sseConnectionOpened();
    const second = metrics.sseConnectionOpened();
    expect((await scrape(metrics)).value('cmx_feed_sse_connections')).toBe(2);
    first();
    first();
    expect((await scrape(metrics)).value('cmx_feed_sse_connections')).toBe(1);
    second();
    expect((await scrape(metrics)).value('cmx_feed_sse_connections')).toBe(0);
  });

  it('has the Kafka produce error counter only once a process produces, from 0', async () => {
    const metrics = new ExchangeMetrics();
    expect((await scrape(metrics)).has('cmx_kafka_produce_errors_total')).toBe(false);
    metrics.kafkaProduceErrorsTracked();
    expect((await scrape(metrics)).value('cmx_kafka_produce_errors_total')).toBe(0);
    metrics.kafkaProduceFailed();
    expect((await scrape(metrics)).value('cmx_kafka_produce_errors_total')).toBe(1);
  });

  it('reads the lags from the /health reports on each scrape, leaving out a report without one', async () => {
    let boardsLagMs = 250;
    const metrics = new ExchangeMetrics(() => [
      { section: PROJECTION_LAG_SECTION, name: 'boards', read: async () => ({ checkpoint: '1', head: '2', lagMs: boardsLagMs }) },
      { section: PROJECTION_LAG_SECTION, name: 'case-summaries', read: async () => ({ status: 'unknown' }) },
      { section: DISPATCHER_LAG_SECTION, name: 'feed', read: async () => ({ checkpoint: '2', head: '2', lagMs: 0 }) },
      { section: 'other', name: 'x', read: async () => ({ lagMs: 9 }) },
    ]);
    let text = await scrape(metrics);
    expect(text.family('cmx_projection_lag_seconds').metrics).toEqual([{ labels: { projection: 'boards' }, value: '0.25' }]);
    expect(text.family('cmx_dispatcher_lag_seconds').metrics).toEqual([{ labels: { channel: 'feed' }, value: '0' }]);
    boardsLagMs = 0;
    text = await scrape(metrics);
    expect(text.value('cmx_projection_lag_seconds', { projection: 'boards' })).toBe(0);
  });

  it('includes the default process metrics, and speaks the text format 0.0.4', async () => {
    const metrics = new ExchangeMetrics();
    const text = await scrape(metrics);
    expect(text.has('process_cpu_user_seconds_total')).toBe(true);
    expect(text.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
