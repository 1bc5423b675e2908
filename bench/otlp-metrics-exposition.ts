// OTLP metrics exposition at scale: consume throughput (data points/s) and
// the time and size of one /metrics render with N series held, plus heap per
// series. Series are a realistic mix: 80% gauges/counters, 20% histograms
// with 10 buckets, spread over 100 service instances.
// Times are CPU time of this process (user + system), which stays
// meaningful on a machine shared with other work. Prints one JSON line.
// Usage: node --import tsx bench/otlp-metrics-exposition.ts [--series 100000]
import { parseArgs } from 'node:util';
import { AggregationTemporality, type Metric, type MetricBatch } from '../model/metrics.ts';
import { resourceFromAttributes } from '../model/resource.ts';
import { OtlpMetricStore } from '../analysis/metrics/otlp-metric-store.ts';
import { renderExposition } from '../analysis/metrics/render.ts';

const { values } = parseArgs({ options: { series: { type: 'string', default: '100000' } } });
const seriesWanted = Number(values.series);
const instances = 100;
const perInstance = Math.ceil(seriesWanted / instances);
const bounds = [5, 10, 25, 50, 100, 250, 500, 1000, 2500];

function batchFor(instance: number, timeMs: number): MetricBatch {
  const metrics: Metric[] = [];
  const gauges = Math.floor(perInstance * 0.8);
  const histograms = perInstance - gauges;
  const attrs = (i: number) => ({ 'http.route': `/r/${i % 50}`, 'http.request.method': i % 2 ? 'GET' : 'POST', series: String(i) });
  metrics.push({ name: 'app.queue.depth', description: 'depth', unit: '{item}', data: { type: 'gauge',
    points: Array.from({ length: gauges / 2 }, (_, i) => ({ attributes: attrs(i), startTimeUnixMs: 0, timeUnixMs: timeMs, flags: 0, value: i, isInt: true })) } });
  metrics.push({ name: 'app.requests', description: 'requests', unit: '{request}', data: { type: 'sum', temporality: AggregationTemporality.Cumulative, isMonotonic: true,
    points: Array.from({ length: gauges - gauges / 2 }, (_, i) => ({ attributes: attrs(i), startTimeUnixMs: 1, timeUnixMs: timeMs, flags: 0, value: timeMs + i, isInt: true })) } });
  metrics.push({ name: 'http.server.duration', description: 'duration', unit: 'ms', data: { type: 'histogram', temporality: AggregationTemporality.Cumulative,
    points: Array.from({ length: histograms }, (_, i) => ({ attributes: attrs(i), startTimeUnixMs: 1, timeUnixMs: timeMs, flags: 0, count: 100, sum: 4200,
      explicitBounds: bounds, bucketCounts: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10] })) } });
  const points = metrics.reduce((n, m) => n + m.data.points.length, 0);
  return {
    receivedAtMs: timeMs, dataPointCount: points,
    resourceMetrics: [{
      resource: resourceFromAttributes({ 'service.name': `svc-${instance % 10}`, 'service.instance.id': `i-${instance}`, 'host.name': `h-${instance}` }),
      scopeMetrics: [{ scope: { name: 'bench', version: '1' }, metrics }],
    }],
  };
}

/** CPU milliseconds used since `from` (a process.cpuUsage() reading). */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

const store = new OtlpMetricStore({ seriesTtlMs: 300_000, maxSeries: seriesWanted * 2, scopeLabels: true, now: () => 0, isReservedName: () => false });
const batches = Array.from({ length: instances }, (_, i) => batchFor(i, 1000));
const points = batches.reduce((n, b) => n + b.dataPointCount, 0);

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let start = process.cpuUsage();
for (const b of batches) store.consume(b);
const firstConsumeMs = cpuMs(start);
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;

// Steady state: the same series updated (what every export after the first does).
const updates = Array.from({ length: instances }, (_, i) => batchFor(i, 2000));
start = process.cpuUsage();
for (const b of updates) store.consume(b);
const updateMs = cpuMs(start);

renderExposition(store); // warm-up
start = process.cpuUsage();
const text = renderExposition(store);
const renderMs = cpuMs(start);

console.log(JSON.stringify({
  bench: 'otlp-metrics-exposition',
  series: store.size,
  dataPoints: points,
  firstConsumePointsPerSec: Math.round(points / (firstConsumeMs / 1000)),
  updatePointsPerSec: Math.round(points / (updateMs / 1000)),
  renderCpuMs: Math.round(renderMs),
  renderBytes: text.length,
  heapBytesPerSeries: global.gc ? Math.round((heapAfter - heapBefore) / store.size) : null,
}));
