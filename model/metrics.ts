import type { Attributes } from './attributes.ts';
import type { InstrumentationScope, Resource } from './resource.ts';

// Numbering as in opentelemetry-proto metrics.proto.
export enum AggregationTemporality {
  Unspecified = 0,
  Delta = 1,
  Cumulative = 2,
}

interface PointBase {
  attributes: Attributes;
  /** Unix ms; 0 when the producer did not set it. */
  startTimeUnixMs: number;
  timeUnixMs: number;
  /** DataPointFlags; bit 0 = FLAG_NO_RECORDED_VALUE. */
  flags: number;
}

export interface NumberDataPoint extends PointBase {
  value: number;
  /** True when the value was sent as as_int. */
  isInt: boolean;
}

export interface HistogramDataPoint extends PointBase {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  /** Upper bounds; bucketCounts has explicitBounds.length + 1 entries. */
  explicitBounds: number[];
  bucketCounts: number[];
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint extends PointBase {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
}

export interface SummaryDataPoint extends PointBase {
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

export type MetricData =
  | { type: 'gauge'; points: NumberDataPoint[] }
  | { type: 'sum'; temporality: AggregationTemporality; isMonotonic: boolean; points: NumberDataPoint[] }
  | { type: 'histogram'; temporality: AggregationTemporality; points: HistogramDataPoint[] }
  | { type: 'exponentialHistogram'; temporality: AggregationTemporality; points: ExponentialHistogramDataPoint[] }
  | { type: 'summary'; points: SummaryDataPoint[] };

export interface Metric {
  name: string;
  description: string;
  unit: string;
  data: MetricData;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: Resource;
  scopeMetrics: ScopeMetrics[];
}

export interface MetricBatch {
  resourceMetrics: ResourceMetrics[];
  /** Number of valid data points in the batch. */
  dataPointCount: number;
  receivedAtMs: number;
}
