import type { ExpHistogramState } from './exp-histogram.ts';
import type { PromKind } from './names.ts';

// What the exposition keeps per Prometheus series. Values are in OTLP units;
// the family's unit scale is applied when rendering.

interface SeriesBase {
  /** Formatted label set (`job="a",instance="b",...`), also the series key. */
  labels: string;
  /** Ingest time of the last point (platform clock), for expiry. */
  lastSeenMs: number;
  /** Point time of the last point (producer clock), to reject stale deltas. */
  timeMs: number;
}

export interface NumberSeries extends SeriesBase {
  type: 'number';
  value: number;
}

export interface HistogramSeries extends SeriesBase {
  type: 'histogram';
  explicitBounds: number[];
  /** Per-bucket (not cumulative) counts; explicitBounds.length + 1 entries. */
  bucketCounts: number[];
  count: number;
  sum?: number;
}

export interface ExpHistogramSeries extends SeriesBase {
  type: 'expHistogram';
  state: ExpHistogramState;
}

export interface SummarySeries extends SeriesBase {
  type: 'summary';
  count: number;
  sum: number;
  quantiles: Array<{ quantile: number; value: number }>;
}

export type Series = NumberSeries | HistogramSeries | ExpHistogramSeries | SummarySeries;

export interface Family {
  name: string;
  kind: PromKind;
  help: string;
  /** Multiplier from OTLP unit to the Prometheus base unit of the name. */
  unitScale: number;
  series: Map<string, Series>;
}

/** Sample names a family writes, for collision checks between families. */
export function sampleNames(name: string, kind: PromKind): string[] {
  if (kind === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (kind === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}
