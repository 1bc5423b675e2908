import type {
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  NumberDataPoint,
  SummaryDataPoint,
} from '../../model/metrics.ts';
import type { Rejections } from './rejections.ts';

// Rules from metrics.proto that make a data point unusable, shared by the
// protobuf and JSON decoders. Each returns why a point is invalid, or ''.

const FLAG_NO_RECORDED_VALUE = 1;

function timeProblem(p: { timeUnixMs: number }): string {
  return p.timeUnixMs === 0 ? 'time_unix_nano is not set' : '';
}

export function numberPointProblem(p: NumberDataPoint, hasValue: boolean): string {
  if (!hasValue && (p.flags & FLAG_NO_RECORDED_VALUE) === 0) return 'has neither as_double nor as_int';
  return timeProblem(p);
}

function sum(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function histogramPointProblem(p: HistogramDataPoint): string {
  const nb = p.explicitBounds.length;
  const nc = p.bucketCounts.length;
  if (nc !== 0 && nc !== nb + 1) return `has ${nc} bucket_counts for ${nb} explicit_bounds (want ${nb + 1})`;
  if (nc === 0 && nb !== 0) return `has ${nb} explicit_bounds but no bucket_counts`;
  for (let i = 1; i < nb; i++) {
    if (!(p.explicitBounds[i] > p.explicitBounds[i - 1])) return 'explicit_bounds are not strictly increasing';
  }
  if (nc > 0 && sum(p.bucketCounts) !== p.count) return `bucket_counts add up to ${sum(p.bucketCounts)}, count is ${p.count}`;
  return timeProblem(p);
}

export function exponentialPointProblem(p: ExponentialHistogramDataPoint): string {
  if (p.scale < -10 || p.scale > 20) return `scale ${p.scale} is outside [-10, 20]`;
  const total = p.zeroCount + sum(p.positive.bucketCounts) + sum(p.negative.bucketCounts);
  if (total !== p.count) return `zero_count and bucket counts add up to ${total}, count is ${p.count}`;
  return timeProblem(p);
}

export function summaryPointProblem(p: SummaryDataPoint): string {
  for (const q of p.quantileValues) {
    if (!(q.quantile >= 0 && q.quantile <= 1)) return `quantile ${q.quantile} is outside [0, 1]`;
  }
  return timeProblem(p);
}

export interface RawMetric {
  name: string;
  description: string;
  unit: string;
  /** The last of gauge, sum, histogram, exponential_histogram, summary seen; undefined for none. */
  data: MetricData | undefined;
}

/**
 * Metric-level rules: a metric needs a name, data, and (for sums and
 * histograms) a specified aggregation temporality. Returns the metric to keep;
 * null when it has no data or none of its points survived; 'rejected' when
 * the metric itself is invalid (counted here; the caller leaves it out of
 * the forwarded request).
 */
export function checkMetric(m: RawMetric, rej: Rejections, where: string): Metric | null | 'rejected' {
  if (m.data === undefined) {
    rej.note(`${where}${m.name === '' ? '' : ` (${m.name})`} has no data and was ignored`);
    return null;
  }
  const n = m.data.points.length;
  if (m.name === '') {
    rej.reject(n, `${where} has no name`);
    return 'rejected';
  }
  const d = m.data;
  if ((d.type === 'sum' || d.type === 'histogram' || d.type === 'exponentialHistogram') && d.temporality !== 1 && d.temporality !== 2) {
    rej.reject(n, `${where} (${m.name}): aggregation_temporality ${d.temporality} is not DELTA or CUMULATIVE`);
    return 'rejected';
  }
  if (n === 0) return null;
  return { name: m.name, description: m.description, unit: m.unit, data: d };
}
