import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SeriesKey } from '../series/series-key.ts';
import { AnomalyEngine } from './anomaly-engine.ts';
import { anomalyConfigSchema } from './config.ts';
import { renderAnomalyMetrics } from './metrics.ts';
import { seededNormal } from './testing/synthetic.ts';

const STEP_MS = 10_000;
const T0 = Date.UTC(2024, 0, 1);
const edges = [
  { client: 'frontend', server: 'checkout' },
  { client: 'checkout', server: 'payments' },
  { client: 'frontend', server: 'search' },
];

function latencyKey(service: string): SeriesKey {
  return { service, signal: 'latency_p99_ms' };
}

describe('AnomalyEngine', () => {
  it('a latency fault deep in the call path: one event per series, origin the faulty service, the experiment named', () => {
    const config = anomalyConfigSchema.parse({});
    const engine = new AnomalyEngine(config, {
      edges: () => edges,
      activity: () => ({ activeOn: (s, at) => (s === 'payments' && at >= T0 + 400 * STEP_MS ? ['payments-latency-300ms'] : []) }),
    });
    const g = seededNormal(4);
    const base: Record<string, number> = { frontend: 120, checkout: 80, payments: 40, search: 30 };
    for (let i = 0; i < 500; i++) {
      const faulty = i >= 400 && i < 430;
      for (const s of Object.keys(base)) {
        const inPath = s !== 'search';
        engine.observe(latencyKey(s), T0 + i * STEP_MS, base[s] + 3 * g() + (faulty && inPath ? 300 : 0));
      }
    }
    const events = engine.list({ sinceMs: T0 });
    const byService = new Map(events.map((e) => [e.service, e]));
    assert.deepEqual([...byService.keys()].sort(), ['checkout', 'frontend', 'payments'], JSON.stringify(events, null, 1));
    assert.equal(events.length, 3, 'one event per series for one incident');
    const front = byService.get('frontend')!;
    assert.equal(front.origin[0].service, 'payments');
    assert.ok(front.startMs >= T0 + 400 * STEP_MS && front.startMs <= T0 + 403 * STEP_MS, 'flagged within 30 s of the fault');
    assert.ok(front.observed > front.expected + 250, `expected ${front.expected} vs observed ${front.observed}`);
    assert.equal(front.open, false);
    assert.equal(front.severity, 'critical');
    assert.ok(['jump', 'deviation', 'out_of_range'].includes(front.kind), front.kind);
    assert.deepEqual(front.experiments, ['payments-latency-300ms']);
    assert.deepEqual(engine.list({ sinceMs: T0, service: 'search' }), []);
    assert.equal(engine.list({ sinceMs: T0, service: 'payments' }).length, 3, 'payments is the origin of all three');
    assert.deepEqual(engine.list({ sinceMs: T0 + 600 * STEP_MS }), []);

    const text = renderAnomalyMetrics(engine);
    assert.match(text, /faultline_anomaly_events_total\{service="frontend",signal="latency_p99_ms",severity="critical"\} 1\n/);
    assert.match(text, /faultline_anomaly_score\{service="search",signal="latency_p99_ms"\} [0-9.e-]+\n/);
    assert.match(text, /faultline_anomaly_points_total 2000\n/);
  });

  it('two hours of steady traffic on 50 series open at most one event', () => {
    const engine = new AnomalyEngine(anomalyConfigSchema.parse({}));
    const g = seededNormal(21);
    const steps = 150 + 720; // warm-up, then two hours of 10 s steps
    for (let i = 0; i < steps; i++) {
      for (let s = 0; s < 10; s++) {
        const service = `svc-${s}`;
        const t = T0 + i * STEP_MS;
        const rate = 50 + 10 * s;
        // Poisson-like counts per step, ratio of errors, latency with a long tail.
        engine.observe({ service, signal: 'rate_rps' }, t, Math.max(0, rate + Math.sqrt(rate) * g()));
        engine.observe({ service, signal: 'error_ratio' }, t, Math.max(0, 0.01 + 0.005 * g()));
        engine.observe({ service, signal: 'latency_p50_ms' }, t, 20 + 2 * g());
        engine.observe({ service, signal: 'latency_p95_ms' }, t, 60 + 6 * Math.abs(g()));
        engine.observe({ service, signal: 'latency_p99_ms' }, t, 100 + 15 * Math.exp(0.5 * g()));
      }
    }
    assert.equal(engine.seriesCount, 50);
    const after = engine.list({ sinceMs: T0 + 150 * STEP_MS });
    assert.ok(after.length <= 1, `${after.length} events: ${JSON.stringify(after.map((e) => [e.service, e.signal, e.peakScore]))}`);
  });

  it('forgets series idle for seriesIdleMs, which frees room under maxSeries', () => {
    const engine = new AnomalyEngine(anomalyConfigSchema.parse({ maxSeries: 2, seriesIdleMs: 60_000 }));
    engine.observe({ service: 'a', signal: 'rate_rps' }, T0, 1);
    engine.observe({ service: 'b', signal: 'rate_rps' }, T0 + 50_000, 1);
    engine.observe({ service: 'c', signal: 'rate_rps' }, T0 + 50_000, 1);
    assert.equal(engine.droppedSeries, 1);
    assert.equal(engine.sweep(T0 + 100_000), 1);
    assert.equal(engine.seriesCount, 1);
    engine.observe({ service: 'c', signal: 'rate_rps' }, T0 + 100_000, 1);
    assert.equal(engine.seriesCount, 2);
  });

  it('watches at most maxSeries series and only the configured signals', () => {
    const engine = new AnomalyEngine(anomalyConfigSchema.parse({ maxSeries: 2, signals: ['rate_rps'] }));
    for (const s of ['a', 'b', 'c']) engine.observe({ service: s, signal: 'rate_rps' }, T0, 1);
    engine.observe({ service: 'a', signal: 'error_ratio' }, T0, 1);
    assert.equal(engine.seriesCount, 2);
    assert.equal(engine.droppedSeries, 1);
  });

  it('error ratios open events only when the errors are significant as a count', () => {
    const config = anomalyConfigSchema.parse({});
    // 20 rps, about one request in 400 failing: 0 to 2 errors a step, then two steps with `burst` errors.
    const pattern = [0, 1, 0, 1, 1, 0, 2, 0, 0, 1, 0, 0];
    // A service that fails once in a long while: a storm of errors is an incident.
    const sparse = Array.from({ length: 97 }, (_, i) => (i === 0 ? 1 : 0));
    const run = (burst: number, stepMs?: number, baseline = pattern) => {
      const engine = new AnomalyEngine(config, { stepMs });
      for (let i = 0; i < 400; i++) {
        const t = T0 + i * STEP_MS;
        const errors = i === 300 || i === 301 ? burst : baseline[i % baseline.length];
        engine.observe({ service: 'checkout', signal: 'rate_rps' }, t, 20);
        engine.observe({ service: 'checkout', signal: 'error_ratio' }, t, errors / 200);
      }
      return engine.list({ sinceMs: T0 }).map((e) => [e.signal, (e.startMs - T0) / STEP_MS]);
    };
    // Four errors a step are beyond anything seen (the detector alarms without counts) but happen at this rate.
    assert.deepEqual(run(4), [['error_ratio', 300]]);
    assert.deepEqual(run(4, STEP_MS), []);
    assert.deepEqual(run(40, STEP_MS), [['error_ratio', 300]]);
    assert.deepEqual(run(40, STEP_MS, sparse), [['error_ratio', 300]]);
  });
});
