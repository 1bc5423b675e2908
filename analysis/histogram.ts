/** A duration instrument: observe values, read counts per bucket. */
export interface Histogram {
  readonly boundsMs: readonly number[];
  /** Observations per bucket (not cumulative); boundsMs.length + 1 entries, the last is +Inf. */
  readonly counts: Float64Array;
  readonly count: number;
  readonly sumMs: number;
  observe(valueMs: number): void;
}

/** Index of the bucket `valueMs` falls in (upper bounds inclusive, as Prometheus' `le`). */
export function bucketIndex(boundsMs: readonly number[], valueMs: number): number {
  let lo = 0;
  let hi = boundsMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueMs <= boundsMs[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A histogram with explicit bucket bounds, as the spanmetrics connector's default. */
export class ExplicitHistogram implements Histogram {
  readonly counts: Float64Array;
  count = 0;
  sumMs = 0;
  constructor(readonly boundsMs: readonly number[]) {
    this.counts = new Float64Array(boundsMs.length + 1);
  }
  observe(valueMs: number): void {
    this.counts[bucketIndex(this.boundsMs, valueMs)]++;
    this.count++;
    this.sumMs += valueMs;
  }
}
