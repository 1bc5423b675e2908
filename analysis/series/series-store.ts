import { matchesFilter, seriesId, type SeriesFilter, type SeriesKey } from './series-key.ts';

/** Share of maxSeries that only service-level and edge series may use. */
export const PRIMARY_RESERVE = 0.2;

export type StepListener = (key: SeriesKey, stepStartMs: number, value: number) => void;

export interface SeriesStoreOptions {
  /** Width of one point. */
  stepMs: number;
  /** How far back each series reaches; the ring holds retentionMs / stepMs points. */
  retentionMs: number;
  /**
   * Series held at once; records for new series beyond it are dropped and
   * counted. The last DETAIL_RESERVE share is kept for service and edge
   * series, so per-operation and per-instance series (un-templated span
   * names, churning pods) cannot leave a new service without its series.
   */
  maxSeries: number;
  /** Called when a listener throws; listeners never break recording. */
  onListenerError?: (err: unknown) => void;
}

interface Series {
  key: SeriesKey;
  /** Ring of values by step index modulo capacity; NaN where a step has no point. */
  values: Float64Array;
  /** Step index (stepStartMs / stepMs) of the newest point. */
  lastStep: number;
}

/**
 * Fixed-step time series in bounded memory: one ring buffer per series,
 * sized for the retention, so memory is capacity x 8 bytes per series no
 * matter how long the platform runs. Every recorded point is passed to the
 * step listeners (the anomaly detectors and SLO engine subscribe).
 */
export class SeriesStore {
  readonly stepMs: number;
  readonly capacity: number;
  /** Records refused because maxSeries series were already held. */
  droppedRecords = 0;
  private readonly series = new Map<string, Series>();
  private readonly byService = new Map<string, Set<string>>();
  private readonly listeners = new Set<StepListener>();
  private readonly maxSeries: number;
  /** Operation and instance series may fill this much of maxSeries. */
  private readonly maxDetailSeries: number;
  private detailSeries = 0;
  private readonly onListenerError?: (err: unknown) => void;

  constructor(options: SeriesStoreOptions) {
    this.stepMs = options.stepMs;
    this.capacity = Math.max(1, Math.ceil(options.retentionMs / options.stepMs));
    this.maxSeries = options.maxSeries;
    this.maxDetailSeries = Math.max(1, Math.floor(options.maxSeries * (1 - PRIMARY_RESERVE)));
    this.onListenerError = options.onListenerError;
  }

  get size(): number {
    return this.series.size;
  }

  /** Stores `value` for the step starting at `stepStartMs` (floored to the step) and tells the listeners. */
  record(key: SeriesKey, stepStartMs: number, value: number): void {
    const step = Math.floor(stepStartMs / this.stepMs);
    const id = seriesId(key);
    let s = this.series.get(id);
    if (!s) {
      const detail = isDetail(key);
      if (this.series.size >= this.maxSeries || (detail && this.detailSeries >= this.maxDetailSeries)) {
        this.droppedRecords++;
        return;
      }
      if (detail) this.detailSeries++;
      s = { key: Object.freeze(copyKey(key)), values: new Float64Array(this.capacity).fill(NaN), lastStep: step };
      this.series.set(id, s);
      let ids = this.byService.get(key.service);
      if (!ids) this.byService.set(key.service, (ids = new Set()));
      ids.add(id);
    }
    if (step > s.lastStep) {
      // Steps skipped since the newest point hold stale values from a lap ago.
      const gap = Math.min(step - s.lastStep - 1, this.capacity);
      for (let i = 1; i <= gap; i++) s.values[(s.lastStep + i) % this.capacity] = NaN;
      s.lastStep = step;
    } else if (step <= s.lastStep - this.capacity) {
      return; // older than the ring reaches
    }
    s.values[step % this.capacity] = value;
    const at = step * this.stepMs;
    for (const listener of this.listeners) {
      try {
        listener(s.key, at, value);
      } catch (err) {
        this.onListenerError?.(err);
      }
    }
  }

  /** Points at or after `sinceMs`, oldest first, of every series matching `filter`. */
  query(filter: SeriesFilter, sinceMs: number): Array<{ key: SeriesKey; points: Array<[number, number]> }> {
    const out: Array<{ key: SeriesKey; points: Array<[number, number]> }> = [];
    const ids = filter.service !== undefined ? (this.byService.get(filter.service) ?? new Set<string>()) : this.series.keys();
    const sinceStep = Math.ceil(sinceMs / this.stepMs);
    for (const id of ids) {
      const s = this.series.get(id);
      if (!s || !matchesFilter(s.key, filter)) continue;
      const points: Array<[number, number]> = [];
      for (let step = Math.max(sinceStep, s.lastStep - this.capacity + 1); step <= s.lastStep; step++) {
        const v = s.values[step % this.capacity];
        if (!Number.isNaN(v)) points.push([step * this.stepMs, v]);
      }
      out.push({ key: copyKey(s.key), points });
    }
    return out;
  }

  /** Every point recorded from now on; returns the unsubscribe function. */
  onStep(listener: StepListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Distinct services that have series. */
  services(): string[] {
    return [...this.byService.keys()];
  }

  /** Drops series whose newest point is older than the retention; returns how many. */
  sweep(nowMs: number): number {
    const oldestStep = Math.floor(nowMs / this.stepMs) - this.capacity;
    let removed = 0;
    for (const [id, s] of this.series) {
      if (s.lastStep > oldestStep) continue;
      this.series.delete(id);
      if (isDetail(s.key)) this.detailSeries--;
      const ids = this.byService.get(s.key.service);
      ids?.delete(id);
      if (ids && ids.size === 0) this.byService.delete(s.key.service);
      removed++;
    }
    return removed;
  }
}

/** A per-operation or per-instance series, as opposed to a service's or an edge's own. */
function isDetail(key: SeriesKey): boolean {
  return key.operation !== undefined || key.instance !== undefined;
}

function copyKey(key: SeriesKey): SeriesKey {
  const k: SeriesKey = { service: key.service, signal: key.signal };
  if (key.operation !== undefined) k.operation = key.operation;
  if (key.edge !== undefined) k.edge = { client: key.edge.client, server: key.edge.server };
  if (key.instance !== undefined) k.instance = key.instance;
  return k;
}
