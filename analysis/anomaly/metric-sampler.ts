import type { SeriesKey } from '../series/series-key.ts';
import { CounterRate } from './counter-rate.ts';

// Feeds ingested OTLP metrics selected in config (anomaly.metrics) to the
// detectors: on every series step, each number series of a selected family
// that got a new point is scored (counters as per-second rates, resets
// handled). The series key is {service: job label, signal: metric name,
// instance: the full label set}.

/** The parts of analysis/metrics' store this reads. */
export interface MetricFamilies {
  families: Map<string, { kind: string; series: Map<string, { type: string; labels: string; timeMs: number; value?: number }> }>;
}

const JOB = /(?:^|,)job="((?:[^"\\]|\\.)*)"/;

export class MetricSampler {
  private readonly seen = new Map<string, { timeMs: number; rate?: CounterRate }>();

  constructor(private readonly names: readonly string[], private readonly maxSeries: number) {}

  /** Calls `emit` for every selected series with a point newer than the last sample. */
  sample(store: MetricFamilies, stepStartMs: number, emit: (key: SeriesKey, tMs: number, value: number) => void): void {
    for (const name of this.names) {
      const family = store.families.get(name);
      if (!family) continue;
      for (const s of family.series.values()) {
        if (s.type !== 'number' || s.value === undefined) continue;
        const id = `${name}{${s.labels}}`;
        let st = this.seen.get(id);
        if (!st) {
          if (this.seen.size >= this.maxSeries) continue;
          st = { timeMs: -1, rate: family.kind === 'counter' ? new CounterRate() : undefined };
          this.seen.set(id, st);
        }
        if (s.timeMs === st.timeMs) continue;
        st.timeMs = s.timeMs;
        const value = st.rate ? st.rate.next(s.timeMs, s.value) : s.value;
        if (!Number.isFinite(value)) continue;
        const job = JOB.exec(s.labels)?.[1] ?? 'unknown_service';
        emit({ service: job, signal: name, instance: s.labels }, stepStartMs, value);
      }
    }
  }
}
