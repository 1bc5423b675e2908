import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anomalyConfigSchema, defaultDetectorConfig } from './config.ts';
import { SeriesDetector } from './detector.ts';
import { scoreSeries } from './offline.ts';
import type { SeriesRow } from './series-csv.ts';
import { dailyCycle, DAY_MS, FIVE_MIN_MS, seededNormal, series, START_MS, type Point } from './testing/synthetic.ts';

function score(points: Point[], counter = false): Float64Array {
  const rows: SeriesRow[] = points.map((p) => ({ timestampText: String(p.tMs), tMs: p.tMs, valueText: String(p.value), value: p.value }));
  return scoreSeries(rows, { counter });
}

function maxIn(scores: ArrayLike<number>, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to && i < scores.length; i++) m = Math.max(m, scores[i]);
  return m;
}

/** An alarm: the score at which the live part opens an event. */
const ALARM = anomalyConfigSchema.parse({}).events.openScore;

describe('SeriesDetector on synthetic series', () => {
  const noise = seededNormal(1);
  const cases: Array<{ name: string; points: Point[]; anomalyAt?: number; quietFrom: number }> = [
    {
      name: 'a spike in noise is flagged where it happens',
      points: series(3000, 60_000, (i) => 100 + 2 * noise() + (i === 2000 ? 40 : 0)),
      anomalyAt: 2000,
      quietFrom: 400,
    },
    {
      name: 'a dip in noise is flagged',
      points: series(3000, 60_000, (i) => 100 + 2 * noise() - (i === 2500 ? 30 : 0)),
      anomalyAt: 2500,
      quietFrom: 400,
    },
    {
      name: 'a level shift is flagged at its start',
      points: series(3000, 60_000, (i) => 50 + noise() + (i >= 2200 ? 15 : 0)),
      anomalyAt: 2200,
      quietFrom: 400,
    },
    {
      name: 'a daily cycle without anomalies stays quiet after it is learned',
      points: dailyCycle(288 * 10, { base: 1000, amplitude: 400, noise: 20, seed: 7 }),
      quietFrom: 288 * 3,
    },
    {
      name: 'a deviation from the daily cycle is flagged (the usual peak does not come)',
      // The values stay inside the usual range: only the daily profile says they are wrong.
      points: dailyCycle(288 * 10, { base: 1000, amplitude: 400, noise: 10, seed: 8 }).map((p, i) =>
        i >= 288 * 8 + 100 && i < 288 * 8 + 200 ? { tMs: p.tMs, value: 1000 + 10 * noise() } : p),
      anomalyAt: 288 * 8 + 100,
      quietFrom: 288 * 3,
    },
    {
      name: 'a flat series never scores',
      points: series(2000, 60_000, () => 42),
      quietFrom: 0,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const s = score(c.points);
      for (const v of s) assert.ok(v >= 0 && v <= 1 && Number.isFinite(v), `score ${v} outside [0,1]`);
      if (c.anomalyAt === undefined) {
        assert.ok(maxIn(s, c.quietFrom, s.length) < ALARM, `quiet series peaked at ${maxIn(s, c.quietFrom, s.length)}`);
        return;
      }
      const hit = maxIn(s, c.anomalyAt, c.anomalyAt + 60);
      assert.ok(hit >= ALARM, `anomaly scored only ${hit}`);
      const before = maxIn(s, c.quietFrom, c.anomalyAt);
      assert.ok(before < hit, `a false alarm before the anomaly (${before}) outscored it (${hit})`);
    });
  }

  it('a flat series that suddenly changes is flagged', () => {
    const s = score(series(1000, 60_000, (i) => (i < 800 ? 5 : 6)));
    assert.ok(s[800] >= ALARM, `step scored ${s[800]}`);
  });

  it('a short warm-up still has calibrated tails when it ends (a jump right after it is flagged)', () => {
    const det = new SeriesDetector({ ...defaultDetectorConfig, warmupPoints: 20 });
    let last = 0;
    for (let i = 0; i <= 30; i++) last = det.update(START_MS + i * 1000, i < 30 ? 9 + (i % 4) * 0.02 : 340).score;
    assert.ok(last >= ALARM, `jump after a short warm-up scored ${last}`);
  });

  it('nothing scores during the warm-up', () => {
    const s = score(series(400, 60_000, (i) => (i === 100 ? 1e6 : 1 + (i % 3))));
    assert.equal(maxIn(s, 0, defaultDetectorConfig.warmupPoints), 0);
  });

  it('gaps in the timestamps alone do not alarm', () => {
    // A daily cycle with two 6-hour holes and irregular steps.
    const all = dailyCycle(288 * 8, { base: 500, amplitude: 200, noise: 10, seed: 3 });
    const points = all.filter((_, i) => !(i >= 288 * 5 && i < 288 * 5 + 72) && !(i >= 288 * 6 + 100 && i < 288 * 6 + 172) && i % 7 !== 3);
    const s = score(points);
    const from = points.findIndex((p) => p.tMs >= START_MS + 3 * DAY_MS);
    assert.ok(maxIn(s, from, s.length) < ALARM, `gaps peaked at ${maxIn(s, from, s.length)}`);
  });

  it('a counter reset is not an anomaly in counter mode, a real rate change is', () => {
    const g = seededNormal(5);
    let total = 0;
    const points = series(2000, 10_000, (i) => {
      if (i === 1200) total = 0; // process restart
      total += (i >= 1700 ? 300 : 100) + 5 * g();
      return total;
    });
    const s = score(points, true);
    assert.ok(maxIn(s, 1195, 1210) < ALARM, `reset scored ${maxIn(s, 1195, 1210)}`);
    assert.ok(maxIn(s, 1700, 1720) >= ALARM, `rate tripling scored ${maxIn(s, 1700, 1720)}`);
  });

  it('is deterministic', () => {
    const points = dailyCycle(2000, { base: 10, amplitude: 3, noise: 1, seed: 11 });
    assert.deepEqual(score(points), score(points));
  });

  it('is causal: the score of point i does not change when later points change', () => {
    const points = dailyCycle(2000, { base: 10, amplitude: 3, noise: 1, seed: 12 });
    const changed = points.map((p, i) => (i > 1500 ? { tMs: p.tMs, value: p.value * 5 + 100 } : p));
    const a = score(points);
    const b = score(changed);
    assert.deepEqual(a.slice(0, 1501), b.slice(0, 1501));
    assert.notDeepEqual(a.slice(1501), b.slice(1501));
  });

  it('missing values (NaN) score 0 and do not disturb the series', () => {
    const det = new SeriesDetector(defaultDetectorConfig);
    const g = seededNormal(2);
    let max = 0;
    for (let i = 0; i < 1000; i++) {
      const v = i % 50 === 0 ? Number.NaN : 10 + g();
      const p = det.update(START_MS + i * FIVE_MIN_MS, v);
      if (Number.isNaN(v)) assert.equal(p.score, 0);
      else if (i > 300) max = Math.max(max, p.score);
    }
    assert.ok(max < ALARM, `NaNs caused a peak of ${max}`);
  });
});
