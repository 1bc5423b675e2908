// False positives of live anomaly detection under steady traffic: `faultline
// up` as a child, a built-in scenario with constant load exporting to it, for
// a while; then the anomaly events (every one is a false positive: nothing
// was injected) and the watched series. Prints one JSON line.
//
// Short steps stand in for an hour at the default 10 s: with --step-ms S the
// load is scaled by 10,000/S and the instances' span export delay by S/10,000,
// so a step holds as many requests, and as many export batches straddle its
// boundaries, as a 10 s step does at the scenario's rate.
// Usage: npm run soak:anomaly -- --minutes 17 --step-ms 2000 [--scenario shop]
//   [--warmup-points 150] [--rps N] [--dump series.json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { AnomalyEvent } from '../analysis/anomaly/anomaly-engine.ts';
import { silentLogger } from '../platform/logger.ts';
import { startFaultline } from '../platform/testing/faultline-process.ts';
import { resolveScenarioPath } from '../scenarios/builtin.ts';
import { startScenario } from '../scenarios/runner/runner.ts';
import { loadScenarioFile } from '../scenarios/spec/load.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '17' },
    'step-ms': { type: 'string', default: '2000' },
    scenario: { type: 'string', default: 'shop' },
    'warmup-points': { type: 'string' },
    rps: { type: 'string' },
    dump: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const stepMs = Number(values['step-ms']);
if (!(minutes > 0) || !(stepMs >= 1000)) throw new Error('--minutes must be > 0 and --step-ms >= 1000');
const scale = 10_000 / stepMs;

const { scenario } = loadScenarioFile(resolveScenarioPath(values.scenario!));
const rps = values.rps ? Number(values.rps) : scenario.spec.load.rps * scale;
scenario.spec.load = { ...scenario.spec.load, pattern: 'constant', rps };

const dir = mkdtempSync(join(tmpdir(), 'faultline-anomaly-soak-'));
const anomaly: Record<string, unknown> = {};
if (values['warmup-points']) anomaly.detector = { warmupPoints: Number(values['warmup-points']) };
writeFileSync(join(dir, 'faultline.yaml'), stringify({ analysis: { series: { stepMs } }, anomaly }));

const load: number[] = [];
const fl = await startFaultline({ args: ['--config', join(dir, 'faultline.yaml')] });
const run = await startScenario(scenario, {
  collectorUrl: fl.addresses.otlpHttp, agent: false, stateDir: join(dir, 'scenario'),
  traceExportDelayMs: Math.max(50, Math.round(1000 / scale)),
}, silentLogger());
const startedMs = Date.now();
const sampler = setInterval(() => load.push(loadavg()[0]), 30_000);
try {
  await new Promise((r) => setTimeout(r, minutes * 60_000));
} finally {
  clearInterval(sampler);
}
const api = fl.addresses.api;
const { events } = (await (await fetch(`${api}/api/v1/anomalies?since=${startedMs - 60_000}`)).json()) as { events: AnomalyEvent[] };
const metrics = await (await fetch(`${api}/metrics`)).text();
const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
const series = gauge('faultline_anomaly_series');
const points = gauge('faultline_anomaly_points_total');
if (values.dump) {
  const dump: unknown[] = [];
  for (const s of scenario.spec.services) {
    const res = await fetch(`${api}/api/v1/series?service=${encodeURIComponent(s.name)}&since=${startedMs - 60_000}`);
    if (res.ok) dump.push(...((await res.json()) as { series: unknown[] }).series);
  }
  writeFileSync(values.dump, JSON.stringify({ stepMs, series: dump }));
}
const loadStats = run.status().load;
await run.stop();
await fl.stop();
rmSync(dir, { recursive: true, force: true });

const bySignal: Record<string, number> = {};
for (const e of events) bySignal[e.signal] = (bySignal[e.signal] ?? 0) + 1;
const label = (e: AnomalyEvent) => Object.entries(e.series).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(',');
const warmup = values['warmup-points'] ? Number(values['warmup-points']) : 150;
const pointsPerSeries = points / series;
console.log(JSON.stringify({
  bench: 'anomaly-soak',
  scenario: scenario.metadata.name,
  minutes,
  stepMs,
  rps,
  seriesWatched: series,
  pointsPerSeries: Math.round(pointsPerSeries),
  /** Scored points per series after the warm-up, in hours of 10 s steps. */
  equivalentHoursAt10s: Number((Math.max(0, pointsPerSeries - warmup) * 10 / 3600).toFixed(2)),
  events: events.length,
  eventsPer50Series: Number((events.length / series * 50).toFixed(2)),
  eventsBySignal: bySignal,
  eventList: events.map((e) => ({
    series: label(e), kind: e.kind, severity: e.severity, peak: Number(e.peakScore.toFixed(3)),
    expected: Number(e.expected.toFixed(3)), observed: Number(e.observed.toFixed(3)), atS: Math.round((e.peakAtMs - startedMs) / 1000),
  })),
  loadP50Ms: loadStats ? Math.round(loadStats.p50Ms) : null,
  loadavg1m: { min: Math.min(...load), max: Math.max(...load), mean: Number((load.reduce((a, b) => a + b, 0) / Math.max(1, load.length)).toFixed(2)) },
}));
