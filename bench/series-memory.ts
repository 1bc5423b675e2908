// Memory per active series, at 10,000 and 100,000 series, for the two
// stores whose size grows with cardinality: the series store (10 s steps,
// 6 h rings, allocated whole when a series appears) and the span-metrics
// series behind /metrics (calls + duration histogram). Also the wall and
// CPU time to render span metrics for /metrics at that cardinality. Prints
// one JSON line.
// Run: npm run bench:series-memory   (node --expose-gc --import tsx bench/series-memory.ts)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { analysisConfigSchema } from '../analysis/config.ts';
import { SeriesStore } from '../analysis/series/series-store.ts';
import { SpanMetrics } from '../analysis/span-metrics/span-metrics.ts';
import { SpanKind, StatusCode, type Span } from '../model/trace.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc (npm run bench:series-memory)');
  process.exit(1);
}

function usedBytes(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  // Ring buffers are ArrayBuffers: outside the JS heap, so count both.
  return m.heapUsed + m.arrayBuffers;
}

const config = analysisConfigSchema.parse({});
const START_MS = 1_700_000_000_000;

function seriesStoreBytesPerSeries(n: number): number {
  const warm = new SeriesStore({ ...config.series, maxSeries: 100 });
  for (let i = 0; i < 1000; i++) warm.record({ service: 'warm', signal: 'rate_rps', operation: `op-${i % 200}` }, START_MS, i);
  warm.query({ service: 'warm' }, 0);
  const before = usedBytes();
  const store = new SeriesStore({ ...config.series, maxSeries: n });
  for (let i = 0; i < n; i++) store.record({ service: `svc-${i % 100}`, signal: 'rate_rps', operation: `op-${i}` }, START_MS, i);
  const after = usedBytes();
  if (store.size !== n) throw new Error(`expected ${n} series, have ${store.size}`);
  return Math.round((after - before) / n);
}

function span(name: string): Span {
  return {
    traceId: '0'.repeat(32), spanId: '0'.repeat(16), parentSpanId: '', traceState: '', name, kind: SpanKind.Server,
    startTimeUnixMs: START_MS, durationMs: 42, statusCode: StatusCode.Unset, statusMessage: '', attributes: {}, events: [], links: [],
  };
}

function spanMetricsFigures(n: number): { bytesPerSeries: number; renderMs: number; renderCpuMs: number; renderBytes: number } {
  const spans = Array.from({ length: n }, (_, i) => span(`GET /items/${i}`));
  // Warm up first, so the code compiled on first use is not counted per series.
  const warm = new SpanMetrics({ boundsMs: config.durationBucketsMs, cardinalityLimit: 100, seriesExpiryMs: 1 });
  for (let i = 0; i < 1000; i++) warm.record('warm', spans[i % spans.length], false, START_MS);
  warm.render([]);
  const before = usedBytes();
  const metrics = new SpanMetrics({ boundsMs: config.durationBucketsMs, cardinalityLimit: n, seriesExpiryMs: config.spanMetrics.seriesExpiryMs });
  for (let i = 0; i < n; i++) metrics.record(`svc-${i % 100}`, spans[i], false, START_MS);
  const after = usedBytes();
  // CPU time as well as wall time: on a shared machine the wall time mostly measures the neighbours.
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out: string[] = [];
  metrics.render(out);
  const text = out.join('');
  const cpu = process.cpuUsage(cpu0);
  const renderMs = performance.now() - t0;
  return {
    bytesPerSeries: Math.round((after - before) / n), renderMs: Math.round(renderMs),
    renderCpuMs: Math.round((cpu.user + cpu.system) / 1000), renderBytes: text.length,
  };
}

// Each figure is measured in a fresh process, so garbage left by one
// measurement cannot shift the next one's baseline.
const [, , kind, count] = process.argv;
if (kind !== undefined) {
  const n = Number(count);
  const figures = kind === 'series-store' ? { bytesPerSeries: seriesStoreBytesPerSeries(n) } : spanMetricsFigures(n);
  console.log(JSON.stringify(figures));
} else {
  const result: Record<string, number> = {
    seriesStepMs: config.series.stepMs,
    seriesPointsPerSeries: Math.ceil(config.series.retentionMs / config.series.stepMs),
    durationBuckets: config.durationBucketsMs.length,
  };
  const measure = (what: string, n: number) => {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), what, String(n)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${what} ${n} failed:\n${child.stderr}`);
    return JSON.parse(child.stdout) as Record<string, number>;
  };
  for (const n of [10_000, 100_000]) {
    result[`seriesStoreBytesPerSeries_${n}`] = measure('series-store', n).bytesPerSeries;
    const sm = measure('span-metrics', n);
    result[`spanMetricsBytesPerSeries_${n}`] = sm.bytesPerSeries;
    result[`renderMetricsMs_${n}`] = sm.renderMs;
    result[`renderMetricsCpuMs_${n}`] = sm.renderCpuMs;
    result[`renderMetricsBytes_${n}`] = sm.renderBytes;
  }
  console.log(JSON.stringify({ bench: 'series-memory', ...result }));
}
