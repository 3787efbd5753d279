import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommitObservation } from '@cmx/event-store';
import type { StatusReport } from '../health/engine-probes';
import { lagSecondsOf, refusalCodeLabel, routeLabel } from './metric-labels';

/** How a message reached the gateway: POST /v1/messages, POST /v1/messages:batch, gRPC SubmitMessages. */
export type SubmissionChannel = 'http' | 'batch' | 'grpc';

/** What the gateway answered one message: a receipt (first or repeated), or a refusal. */
export type SubmissionOutcome = { readonly firstReceipt: boolean } | { readonly refusal: unknown };

/** The /health sections whose reports are lags (`{ checkpoint, head, lagMs }`), read again on each scrape. */
export const PROJECTION_LAG_SECTION = 'projections';
export const DISPATCHER_LAG_SECTION = 'dispatcher';

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/**
 * The process's metrics, in a registry of its own (never prom-client's global one: tests run several exchanges in
 * one process). Every label is bounded: route patterns, status codes, the refusals' stable codes, the parties of the
 * parties file, projection names; never a URL, a case id or anything a message says.
 */
export class ExchangeMetrics {
  readonly registry = new Registry();
  private readonly httpDurations: Histogram<'method' | 'route' | 'status'>;
  private readonly accepted: Counter<'channel' | 'party'>;
  private readonly repeated: Counter<'channel' | 'party'>;
  private readonly refused: Counter<'channel' | 'party' | 'code'>;
  private readonly commitAppends: Histogram;
  private readonly commitEvents: Histogram;
  private readonly commitSeconds: Histogram;
  private readonly sseConnections: Gauge;
  private produceErrors: Counter | undefined;

  /** `reports`: what /health reports (EngineProbes), for the lags. */
  constructor(reports: () => readonly StatusReport[] = () => []) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDurations = new Histogram({
      name: 'cmx_http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route pattern and status, and how long each took (a server-sent-events stream is counted by cmx_feed_sse_connections instead)',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.accepted = new Counter({
      name: 'cmx_messages_accepted_total',
      help: 'Messages accepted and stored (201), by channel and sending party',
      labelNames: ['channel', 'party'],
      registers,
    });
    this.repeated = new Counter({
      name: 'cmx_messages_repeated_total',
      help: 'Repeats of stored messages answered with their first receipt (200), by channel and sending party',
      labelNames: ['channel', 'party'],
      registers,
    });
    this.refused = new Counter({
      name: 'cmx_messages_refused_total',
      help: 'Messages refused, by channel, sending party and error code',
      labelNames: ['channel', 'party', 'code'],
      registers,
    });
    this.commitAppends = new Histogram({
      name: 'cmx_event_store_commit_appends',
      help: 'Appends per event store commit (SQLite group commit; 1 on PostgreSQL)',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.commitEvents = new Histogram({
      name: 'cmx_event_store_commit_events',
      help: 'Events written per event store commit',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'cmx_event_store_commit_seconds',
      help: 'Time for an event store commit to be durable: SQLite COMMIT (WAL write and fsync); PostgreSQL the append statement (WAL flush included)',
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.sseConnections = new Gauge({
      name: 'cmx_feed_sse_connections',
      help: 'Feed streams open as server-sent events (GET /v1/feed, Accept: text/event-stream)',
      registers,
    });
    lagGauge(
      'cmx_projection_lag_seconds',
      'How long the oldest event not yet projected has waited, by projection (0 when caught up)',
      PROJECTION_LAG_SECTION,
      'projection',
      reports,
      registers,
    );
    lagGauge(
      'cmx_dispatcher_lag_seconds',
      'How long the oldest event not yet dispatched has waited, by delivery channel (0 when caught up)',
      DISPATCHER_LAG_SECTION,
      'channel',
      reports,
      registers,
    );
  }

  /** The text exposition format, version 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  observeHttpRequest(method: string, routePattern: string | undefined, status: number, seconds: number): void {
    this.httpDurations.observe({ method, route: routeLabel(routePattern), status: String(status) }, seconds);
  }

  /** `party`: the authenticated caller, a code of the parties file. */
  observeSubmission(channel: SubmissionChannel, party: string, outcome: SubmissionOutcome): void {
    if ('refusal' in outcome) this.refused.inc({ channel, party, code: refusalCodeLabel(outcome.refusal) });
    else if (outcome.firstReceipt) this.accepted.inc({ channel, party });
    else this.repeated.inc({ channel, party });
  }

  /** The event store's commit observer (its adapters' `onCommit` option). */
  readonly observeCommit = (commit: CommitObservation): void => {
    this.commitAppends.observe(commit.appends);
    this.commitEvents.observe(commit.events);
    this.commitSeconds.observe(commit.commitMs / 1000);
  };

  /** Counts one SSE feed stream open until the returned function is called (once). */
  sseConnectionOpened(): () => void {
    this.sseConnections.inc();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.sseConnections.dec();
    };
  }

  /** Counts a delivery batch Kafka did not take after kafkajs's own retries. */
  kafkaProduceFailed(): void {
    this.kafkaProduceErrorsTracked().inc();
  }

  /** Makes cmx_kafka_produce_errors_total appear, at 0: only a process that produces to Kafka has it. */
  kafkaProduceErrorsTracked(): Counter {
    this.produceErrors ??= new Counter({
      name: 'cmx_kafka_produce_errors_total',
      help: 'Delivery batches Kafka did not acknowledge after kafkajs had retried (topic creation or produce); the dispatcher then stops and its supervisor restarts it',
      registers: [this.registry],
    });
    return this.produceErrors;
  }
}

/** A gauge read on each scrape from the /health reports of `section`, one series per report, labelled by its name; none where nothing reports. */
function lagGauge(name: string, help: string, section: string, label: string, reports: () => readonly StatusReport[], registers: Registry[]): void {
  new Gauge({
    name,
    help,
    labelNames: [label],
    registers,
    async collect() {
      this.reset();
      const ofSection = reports().filter((report) => report.section === section);
      const lags = await Promise.all(ofSection.map(async (report) => [report.name, lagSecondsOf(await report.read().catch(() => undefined))] as const));
      for (const [reportName, seconds] of lags) {
        if (seconds !== undefined) this.set({ [label]: reportName }, seconds);
      }
    },
  });
}
