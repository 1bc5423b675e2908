import { defaultDetectorConfig, type DetectorConfig } from './config.ts';
import { CounterRate } from './counter-rate.ts';
import { SeriesDetector } from './detector.ts';
import type { SeriesRow } from './series-csv.ts';

export interface OfflineOptions {
  config?: DetectorConfig;
  /** The values are a cumulative counter: score its per-second rate (resets handled). */
  counter?: boolean;
}

/** Scores a whole series offline with the streaming detector (row i sees only rows before it). */
export function scoreSeries(rows: readonly SeriesRow[], o: OfflineOptions = {}): Float64Array {
  const det = new SeriesDetector(o.config ?? defaultDetectorConfig);
  const rate = o.counter ? new CounterRate() : undefined;
  const scores = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const { tMs, value } = rows[i];
    scores[i] = det.update(tMs, rate ? rate.next(tMs, value) : value).score;
  }
  return scores;
}
