import { KeyIndex } from '../key-index.ts';
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
  /** Where an operation or edge sits in the index. */
  slot: number;
  first: string;
  second: string;
}

const SERVICE_SLOT = 0;
const OPERATION_SLOT = 1;
const EDGE_SLOT = 2;

/**
 * RED per service, per operation and per edge. Each closed step becomes one
 * point per signal in the series store: rate_rps always (0 for a quiet
 * step), error_ratio and latency percentiles when the step had requests.
 */
export class RedTracker {
  readonly services = new Map<string, Entity>();
  readonly operations = new Map<string, Entity>();
  readonly edges = new Map<string, Entity>();
  /** Operations and edges by their two names, looked up without joining them. */
  private readonly index = new KeyIndex<Entity>();

  constructor(private readonly options: RedTrackerOptions) {}

  /** A request a service served (a SERVER or CONSUMER span). */
  observeRequest(service: string, operation: string, latencyMs: number, isError: boolean, nowMs: number): void {
    let e = this.services.get(service);
    if (e === undefined) e = this.add(this.services, service, { service }, SERVICE_SLOT, service, '');
    e.red.observe(latencyMs, isError, nowMs);
    e = this.index.get(service, operation, OPERATION_SLOT);
    if (e === undefined) e = this.add(this.operations, `${service}\u001f${operation}`, { service, operation }, OPERATION_SLOT, service, operation);
    e.red.observe(latencyMs, isError, nowMs);
  }

  /** A completed call between two nodes of the service graph. */
  observeEdge(client: string, server: string, latencyMs: number | undefined, failed: boolean, nowMs: number): void {
    let e = this.index.get(client, server, EDGE_SLOT);
    if (e === undefined) e = this.add(this.edges, `${client}\u001f${server}`, { service: client, edge: { client, server } }, EDGE_SLOT, client, server);
    e.red.observe(latencyMs, failed, nowMs);
  }

  /** Closes the step starting at `stepStartMs` for every entity and records its points. */
  closeStep(stepStartMs: number, nowMs: number): void {
    const oldest = nowMs - this.options.idleExpiryMs;
    for (const map of [this.services, this.operations, this.edges]) {
      for (const [id, e] of map) {
        if (e.red.lastSeenMs < oldest) {
          map.delete(id);
          if (e.slot !== SERVICE_SLOT) this.index.delete(e.first, e.second, e.slot);
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

  private add(map: Map<string, Entity>, id: string, key: Omit<SeriesKey, 'signal'>, slot: number, first: string, second: string): Entity {
    const e: Entity = { key, red: new RedWindow(this.options.boundsMs, this.options.windowSteps), slot, first, second };
    map.set(id, e);
    if (slot !== SERVICE_SLOT) this.index.set(first, second, slot, e);
    return e;
  }
}
