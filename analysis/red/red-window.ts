import { bucketIndex } from '../histogram.ts';
import { histogramQuantile } from '../series/histogram-quantile.ts';

/** RED figures over a window, as the API shows them. Null where the window had no requests. */
export interface RedSummary {
  /** Requests since the platform started (or since this entity reappeared after idling). */
  requests: number;
  errors: number;
  rateRps: number | null;
  errorRatio: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ClosedStep {
  count: number;
  errors: number;
  /** Latency observations per bucket in the step (valid until the next closeStep). */
  buckets: Float64Array;
}

/**
 * Requests, errors and latency buckets of one service, operation or edge:
 * the open step, running totals, and the last `windowSteps` closed steps
 * for the API's current figures.
 */
export class RedWindow {
  totalRequests = 0;
  totalErrors = 0;
  lastSeenMs = 0;
  /** Steps closed since this entity was created, for the window's divisor. */
  closedSteps = 0;
  private stepCount = 0;
  private stepErrors = 0;
  private readonly stepBuckets: Float64Array;
  private readonly closedBuckets: Float64Array;
  private readonly ringCounts: Float64Array;
  private readonly ringErrors: Float64Array;
  private readonly ringBuckets: Float64Array;
  private ringPos = 0;

  constructor(private readonly boundsMs: readonly number[], private readonly windowSteps: number) {
    const n = boundsMs.length + 1;
    this.stepBuckets = new Float64Array(n);
    this.closedBuckets = new Float64Array(n);
    this.ringCounts = new Float64Array(windowSteps);
    this.ringErrors = new Float64Array(windowSteps);
    this.ringBuckets = new Float64Array(windowSteps * n);
  }

  observe(latencyMs: number | undefined, isError: boolean, nowMs: number): void {
    this.stepCount++;
    this.totalRequests++;
    if (isError) {
      this.stepErrors++;
      this.totalErrors++;
    }
    if (latencyMs !== undefined) this.stepBuckets[bucketIndex(this.boundsMs, latencyMs)]++;
    this.lastSeenMs = nowMs;
  }

  /** Ends the open step: returns its figures and moves them into the window. */
  closeStep(): ClosedStep {
    const n = this.stepBuckets.length;
    this.closedBuckets.set(this.stepBuckets);
    this.ringCounts[this.ringPos] = this.stepCount;
    this.ringErrors[this.ringPos] = this.stepErrors;
    this.ringBuckets.set(this.stepBuckets, this.ringPos * n);
    this.ringPos = (this.ringPos + 1) % this.windowSteps;
    this.closedSteps++;
    const closed = { count: this.stepCount, errors: this.stepErrors, buckets: this.closedBuckets };
    this.stepCount = 0;
    this.stepErrors = 0;
    this.stepBuckets.fill(0);
    return closed;
  }

  /** Figures over the closed steps of the window (fewer while the entity is young). */
  summary(stepMs: number): RedSummary {
    const n = this.stepBuckets.length;
    const steps = Math.min(this.closedSteps, this.windowSteps);
    const buckets = new Float64Array(n);
    let count = 0;
    let errors = 0;
    for (let i = 0; i < this.windowSteps; i++) {
      count += this.ringCounts[i];
      errors += this.ringErrors[i];
      for (let b = 0; b < n; b++) buckets[b] += this.ringBuckets[i * n + b];
    }
    const q = (quantile: number) => nullIfNaN(histogramQuantile(quantile, this.boundsMs, buckets));
    return {
      requests: this.totalRequests,
      errors: this.totalErrors,
      rateRps: steps === 0 ? null : count / ((steps * stepMs) / 1000),
      errorRatio: count === 0 ? null : errors / count,
      p50Ms: q(0.5),
      p95Ms: q(0.95),
      p99Ms: q(0.99),
    };
  }
}

function nullIfNaN(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}
