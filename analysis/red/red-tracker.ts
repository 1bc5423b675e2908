import { LATENCY_QUANTILES, type SeriesKey } from '../series/series-key.ts';
import { histogramQuantile } from '../series/histogram-quantile.ts';
import type { SeriesStore } from '../series/series-store.ts';
import { RedWindow, type ClosedStep } from './red-window.ts';

export interface RedTrackerOptions {
  boundsMs: readonly number[];
  stepMs: number;
  /** Closed steps the API's current figures cover. */
  windowSteps: number;
  /** Entities without requests for this long are forgotten. */
  idleExpiryMs: number;
  series: SeriesStore;
}

interface Entity {
  /** The series key without its signal. */
  key: Omit<SeriesKey, 'signal'>;
  red: RedWindow;
}

/**
 * RED per service, per operation and per edge. Each closed step becomes one
 * point per signal in the series store: rate_rps always (0 for a quiet
 * step), error_ratio and latency percentiles when the step had requests.
 */
export class RedTracker {
  readonly services = new Map<string, Entity>();
  readonly operations = new Map<string, Entity>();
  readonly edges = new Map<string, Entity>();

  constructor(private readonly options: RedTrackerOptions) {}

  /** A request a service served (a SERVER or CONSUMER span). */
  observeRequest(service: string, operation: string, latencyMs: number, isError: boolean, nowMs: number): void {
    this.entity(this.services, service, () => ({ service })).red.observe(latencyMs, isError, nowMs);
    this.entity(this.operations, `${service}\u001f${operation}`, () => ({ service, operation })).red.observe(latencyMs, isError, nowMs);
  }

  /** A completed call between two nodes of the service graph. */
  observeEdge(client: string, server: string, latencyMs: number | undefined, failed: boolean, nowMs: number): void {
    this.entity(this.edges, `${client}\u001f${server}`, () => ({ service: client, edge: { client, server } })).red.observe(latencyMs, failed, nowMs);
  }

  /** Closes the step starting at `stepStartMs` for every entity and records its points. */
  closeStep(stepStartMs: number, nowMs: number): void {
    const oldest = nowMs - this.options.idleExpiryMs;
    for (const map of [this.services, this.operations, this.edges]) {
      for (const [id, e] of map) {
        if (e.red.lastSeenMs < oldest) {
          map.delete(id);
          continue;
        }
        this.recordStep(e, stepStartMs, e.red.closeStep());
      }
    }
  }

  private recordStep(e: Entity, stepStartMs: number, step: ClosedStep): void {
    const { series, stepMs, boundsMs } = this.options;
    series.record({ ...e.key, signal: 'rate_rps' }, stepStartMs, step.count / (stepMs / 1000));
    if (step.count === 0) return;
    series.record({ ...e.key, signal: 'error_ratio' }, stepStartMs, step.errors / step.count);
    for (const [signal, q] of LATENCY_QUANTILES) {
      const v = histogramQuantile(q, boundsMs, step.buckets);
      if (!Number.isNaN(v)) series.record({ ...e.key, signal }, stepStartMs, v);
    }
  }

  private entity(map: Map<string, Entity>, id: string, key: () => Omit<SeriesKey, 'signal'>): Entity {
    let e = map.get(id);
    if (!e) map.set(id, (e = { key: key(), red: new RedWindow(this.options.boundsMs, this.options.windowSteps) }));
    return e;
  }
}
