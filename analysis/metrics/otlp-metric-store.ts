import {
  AggregationTemporality,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Metric,
  type MetricBatch,
  type NumberDataPoint,
  type SummaryDataPoint,
} from '../../model/metrics.ts';
import type { Resource } from '../../model/resource.ts';
import { ExpHistogramState } from './exp-histogram.ts';
import { attributeLabels, formatLabels, jobOf, instanceOf, reservedFor, targetAndScopeLabels, targetInfoLabels } from './labels.ts';
import { translateMetricName, type PromKind } from './names.ts';
import { sampleNames, type Family, type Series } from './series.ts';

// OTLP metrics kept as Prometheus series: delta points summed into
// cumulative ones, series expired when not updated. Pure: the clock and the
// drop counter are injected.

export type DropReason =
  | 'series_limit'
  | 'name_conflict'
  | 'reserved_name'
  | 'invalid_name'
  | 'out_of_order'
  | 'bounds_changed';

export interface OtlpMetricStoreOptions {
  seriesTtlMs: number;
  maxSeries: number;
  scopeLabels: boolean;
  now: () => number;
  /** True for names other parts already expose (span metrics, service graph, self-metrics). */
  isReservedName: (name: string) => boolean;
  onDrop?: (reason: DropReason, points: number) => void;
}

interface TargetInfo {
  labels: string;
  lastSeenMs: number;
}

interface Resolved {
  family: Family | null;
  reason?: DropReason;
}

const FLAG_NO_RECORDED_VALUE = 1;
const RESERVED_PREFIXES = ['traces_span_metrics_', 'traces_service_graph_', 'faultline_'];

export class OtlpMetricStore {
  readonly families = new Map<string, Family>();
  readonly targets = new Map<string, TargetInfo>();
  private readonly sampleOwners = new Map<string, string>();
  private readonly resolved = new Map<string, Resolved>();
  private seriesCount = 0;

  constructor(private readonly opts: OtlpMetricStoreOptions) {}

  get size(): number {
    return this.seriesCount;
  }

  consume(batch: MetricBatch): void {
    const nowMs = this.opts.now();
    for (const rm of batch.resourceMetrics) {
      this.touchTarget(rm.resource, nowMs);
      for (const sm of rm.scopeMetrics) {
        const prefix = formatLabels(targetAndScopeLabels(rm.resource, this.opts.scopeLabels ? sm.scope : { name: '' }));
        for (const metric of sm.metrics) this.consumeMetric(metric, prefix, nowMs);
      }
    }
  }

  /** Drops series, families and targets not updated within the TTL. */
  expire(): void {
    const cutoff = this.opts.now() - this.opts.seriesTtlMs;
    for (const [name, family] of this.families) {
      for (const [key, s] of family.series) {
        if (s.lastSeenMs < cutoff) {
          family.series.delete(key);
          this.seriesCount--;
        }
      }
      if (family.series.size === 0) {
        this.families.delete(name);
        for (const sample of sampleNames(family.name, family.kind)) this.sampleOwners.delete(sample);
        // Forget this family's resolutions, and the conflicts it caused.
        for (const [k, r] of this.resolved) if (r.family === family || r.reason === 'name_conflict') this.resolved.delete(k);
      }
    }
    for (const [key, t] of this.targets) if (t.lastSeenMs < cutoff) this.targets.delete(key);
  }

  private touchTarget(resource: Resource, nowMs: number): void {
    const key = `${jobOf(resource)}\u0000${instanceOf(resource)}`;
    const existing = this.targets.get(key);
    if (existing) {
      existing.lastSeenMs = nowMs;
      return;
    }
    this.targets.set(key, { labels: formatLabels(targetInfoLabels(resource)), lastSeenMs: nowMs });
  }

  /** `prefix` is the formatted job/instance/scope labels every point of the scope starts with. */
  private consumeMetric(metric: Metric, prefix: string, nowMs: number): void {
    const d = metric.data;
    const kind: PromKind =
      d.type === 'gauge' ? 'gauge'
      : d.type === 'sum' ? (d.isMonotonic ? 'counter' : 'gauge')
      : d.type === 'summary' ? 'summary'
      : 'histogram';
    // `_ratio` for unit "1" OTLP gauges only: the Collector's and Prometheus'
    // translators leave non-monotonic sums (exposed as gauges too) without it.
    const ratio = metric.unit === '1' && d.type === 'gauge';
    const { family, reason } = this.resolve(metric, kind, ratio);
    if (!family) {
      this.opts.onDrop?.(reason ?? 'invalid_name', d.points.length);
      return;
    }
    const reserved = reservedFor(kind);
    for (const p of d.points) {
      const attrs = formatLabels(attributeLabels(p.attributes, reserved));
      const labels = attrs === '' ? prefix : `${prefix},${attrs}`;
      if ((p.flags & FLAG_NO_RECORDED_VALUE) !== 0) {
        this.remove(family, labels);
        continue;
      }
      const existing = family.series.get(labels);
      if (!existing && this.seriesCount >= this.opts.maxSeries) {
        this.opts.onDrop?.('series_limit', 1);
        continue;
      }
      let dropped: DropReason | undefined;
      // The point type follows from d.type (the model's union is per metric, not per point).
      switch (d.type) {
        case 'gauge':
          dropped = this.setNumber(family, labels, existing, p as NumberDataPoint, false, nowMs);
          break;
        case 'sum':
          dropped = this.setNumber(family, labels, existing, p as NumberDataPoint, d.temporality === AggregationTemporality.Delta, nowMs);
          break;
        case 'histogram':
          dropped = this.setHistogram(family, labels, existing, p as HistogramDataPoint, d.temporality === AggregationTemporality.Delta, nowMs);
          break;
        case 'exponentialHistogram':
          dropped = this.setExpHistogram(family, labels, existing, p as ExponentialHistogramDataPoint, d.temporality === AggregationTemporality.Delta, nowMs);
          break;
        case 'summary':
          this.setSummary(family, labels, p as SummaryDataPoint, nowMs);
          break;
      }
      if (dropped) this.opts.onDrop?.(dropped, 1);
    }
  }

  private resolve(metric: Metric, kind: PromKind, ratio: boolean): Resolved {
    const key = `${metric.name}\u0000${metric.unit}\u0000${kind}`;
    const hit = this.resolved.get(key);
    if (hit) return hit;
    const { name, unit } = translateMetricName(metric.name, metric.unit, kind, ratio);
    let result: Resolved;
    const existing = this.families.get(name);
    if (name === '') result = { family: null, reason: 'invalid_name' };
    else if (existing) {
      result = existing.kind === kind && existing.unitScale === unit.scale ? { family: existing } : { family: null, reason: 'name_conflict' };
    } else {
      const samples = sampleNames(name, kind);
      if (name === 'target_info' || samples.some((s) => RESERVED_PREFIXES.some((p) => s.startsWith(p)) || this.opts.isReservedName(s))) {
        result = { family: null, reason: 'reserved_name' };
      } else if (samples.some((s) => this.sampleOwners.has(s))) {
        result = { family: null, reason: 'name_conflict' };
      } else {
        const family: Family = { name, kind, help: metric.description || metric.name, unitScale: unit.scale, series: new Map() };
        this.families.set(name, family);
        for (const s of samples) this.sampleOwners.set(s, name);
        result = { family };
      }
    }
    // Conflicts are remembered until a family expires (see expire()).
    if (result.family || this.resolved.size < 10_000) this.resolved.set(key, result);
    return result;
  }

  private remove(family: Family, labels: string): void {
    if (family.series.delete(labels)) this.seriesCount--;
  }

  private add(family: Family, s: Series): void {
    family.series.set(s.labels, s);
    this.seriesCount++;
  }

  private setNumber(family: Family, labels: string, existing: Series | undefined, p: NumberDataPoint, delta: boolean, nowMs: number): DropReason | undefined {
    if (!existing || existing.type !== 'number') {
      if (existing) this.remove(family, labels);
      this.add(family, { type: 'number', labels, lastSeenMs: nowMs, timeMs: p.timeUnixMs, value: p.value });
      return undefined;
    }
    if (delta) {
      if (p.timeUnixMs <= existing.timeMs) return 'out_of_order';
      existing.value += p.value;
    } else {
      existing.value = p.value;
    }
    existing.timeMs = p.timeUnixMs;
    existing.lastSeenMs = nowMs;
    return undefined;
  }

  private setHistogram(family: Family, labels: string, existing: Series | undefined, p: HistogramDataPoint, delta: boolean, nowMs: number): DropReason | undefined {
    const fresh = () => ({ type: 'histogram' as const, labels, lastSeenMs: nowMs, timeMs: p.timeUnixMs,
      explicitBounds: [...p.explicitBounds], bucketCounts: [...p.bucketCounts], count: p.count, sum: p.sum });
    if (!existing || existing.type !== 'histogram') {
      if (existing) this.remove(family, labels);
      this.add(family, fresh());
      return undefined;
    }
    if (!delta) {
      Object.assign(existing, fresh());
      return undefined;
    }
    if (p.timeUnixMs <= existing.timeMs) return 'out_of_order';
    let reason: DropReason | undefined;
    if (!sameBounds(existing.explicitBounds, p.explicitBounds) || existing.bucketCounts.length !== p.bucketCounts.length) {
      // The producer changed its buckets: start the cumulative series again.
      Object.assign(existing, fresh());
      reason = 'bounds_changed';
    } else {
      for (let i = 0; i < p.bucketCounts.length; i++) existing.bucketCounts[i] += p.bucketCounts[i];
      existing.count += p.count;
      if (p.sum !== undefined) existing.sum = (existing.sum ?? 0) + p.sum;
    }
    existing.timeMs = p.timeUnixMs;
    existing.lastSeenMs = nowMs;
    return reason;
  }

  private setExpHistogram(family: Family, labels: string, existing: Series | undefined, p: ExponentialHistogramDataPoint, delta: boolean, nowMs: number): DropReason | undefined {
    if (!existing || existing.type !== 'expHistogram') {
      if (existing) this.remove(family, labels);
      const state = new ExpHistogramState(p.scale);
      state.add(p);
      this.add(family, { type: 'expHistogram', labels, lastSeenMs: nowMs, timeMs: p.timeUnixMs, state });
      return undefined;
    }
    if (delta) {
      if (p.timeUnixMs <= existing.timeMs) return 'out_of_order';
    } else {
      existing.state.reset(p.scale);
    }
    existing.state.add(p);
    existing.timeMs = p.timeUnixMs;
    existing.lastSeenMs = nowMs;
    return undefined;
  }

  private setSummary(family: Family, labels: string, p: SummaryDataPoint, nowMs: number): void {
    const existing = family.series.get(labels);
    const s: Series = { type: 'summary', labels, lastSeenMs: nowMs, timeMs: p.timeUnixMs, count: p.count, sum: p.sum,
      quantiles: [...p.quantileValues].sort((a, b) => a.quantile - b.quantile) };
    if (existing) family.series.set(labels, s);
    else this.add(family, s);
  }
}

function sameBounds(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
