/** Reading a /metrics answer in tests, through a Prometheus text-format parser (parse-prometheus-text-format, prom2json's shape). */

export interface PrometheusSample {
  readonly labels?: Readonly<Record<string, string>>;
  /** Counters, gauges, untyped. */
  readonly value?: string;
  /** Histograms: cumulative count by upper bound (`le`). */
  readonly buckets?: Readonly<Record<string, string>>;
  readonly count?: string;
  readonly sum?: string;
}

export interface PrometheusFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  readonly metrics: readonly PrometheusSample[];
}

// The package ships no types; it exports the function as module.exports.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheusTextFormat: (text: string) => PrometheusFamily[] = require('parse-prometheus-text-format');

export class PrometheusText {
  readonly families: readonly PrometheusFamily[];

  /**
   * The parser keeps only unlabelled histograms whole (it folds every series' buckets into one and drops their
   * counts and sums), so a histogram's series are read again from its lines parsed as untyped ones.
   */
  constructor(text: string) {
    const parsed = parsePrometheusTextFormat(text);
    const untyped = parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'));
    this.families = parsed.map((family) => (family.type === 'HISTOGRAM' ? { ...family, metrics: histogramSeries(untyped, family.name) } : family));
  }

  has(name: string): boolean {
    return this.families.some((family) => family.name === name);
  }

  family(name: string): PrometheusFamily {
    const family = this.families.find((candidate) => candidate.name === name);
    if (!family) throw new Error(`no metric ${name} in: ${this.families.map((candidate) => candidate.name).join(', ')}`);
    return family;
  }

  /** The samples of `name` whose labels include every one of `labels`. */
  samples(name: string, labels: Readonly<Record<string, string>> = {}): PrometheusSample[] {
    return this.family(name).metrics.filter((sample) => Object.entries(labels).every(([label, value]) => sample.labels?.[label] === value));
  }

  /** The value of a counter or gauge with exactly these labels; 0 when no such series exists yet (Prometheus's reading of an absent counter). */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    const matching = this.family(name).metrics.filter((sample) => sameLabels(sample.labels ?? {}, labels));
    if (matching.length > 1) throw new Error(`${name}: ${matching.length} series match ${JSON.stringify(labels)}`);
    return matching.length === 0 ? 0 : Number(matching[0].value);
  }

  /** A counter's total over every series whose labels include `labels`. */
  sum(name: string, labels: Readonly<Record<string, string>> = {}): number {
    return this.samples(name, labels).reduce((total, sample) => total + Number(sample.value), 0);
  }

  /** A histogram's observations over every series whose labels include `labels`. */
  count(name: string, labels: Readonly<Record<string, string>> = {}): number {
    return this.samples(name, labels).reduce((total, sample) => total + Number(sample.count), 0);
  }
}

function sameLabels(left: Readonly<Record<string, string>>, right: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => left[key] === right[key]);
}

/** Each series of histogram `name`: its labels (without `le`), buckets, count and sum, from its `_bucket`, `_count` and `_sum` lines. */
function histogramSeries(untyped: readonly PrometheusFamily[], name: string): PrometheusSample[] {
  const series = new Map<string, { labels?: Record<string, string>; buckets: Record<string, string>; count?: string; sum?: string }>();
  const seriesOf = (labels: Readonly<Record<string, string>> = {}) => {
    const { le: _, ...rest } = labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let found = series.get(key);
    if (!found) series.set(key, (found = { ...(Object.keys(rest).length > 0 ? { labels: rest } : {}), buckets: {} }));
    return found;
  };
  for (const family of untyped) {
    for (const sample of family.metrics) {
      if (family.name === `${name}_bucket`) seriesOf(sample.labels).buckets[sample.labels!.le] = sample.value!;
      else if (family.name === `${name}_count`) seriesOf(sample.labels).count = sample.value;
      else if (family.name === `${name}_sum`) seriesOf(sample.labels).sum = sample.value;
    }
  }
  return [...series.values()];
}
