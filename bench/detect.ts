// Cost of the streaming anomaly detector. Prints one JSON line:
//  - points_per_second: points scored per second of CPU time on one core
//    (SeriesDetector.update over many series with daily cycles, noise and
//    spikes, 10 s steps), and the wall-clock rate;
//  - bytes_per_series: memory of one detector after its seasonal profiles
//    are allocated (heap + typed arrays, over many detectors).
// Usage: npm run bench:detect [-- --series 200 --points 20000]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { defaultDetectorConfig } from '../analysis/anomaly/config.ts';
import { SeriesDetector } from '../analysis/anomaly/detector.ts';
import { seededNormal } from '../analysis/anomaly/testing/synthetic.ts';

const { values } = parseArgs({ options: { series: { type: 'string', default: '200' }, points: { type: 'string', default: '20000' }, memorySeries: { type: 'string', default: '5000' } } });
const seriesCount = Number(values.series);
const pointsPerSeries = Number(values.points);
const memorySeries = Number(values.memorySeries);
const STEP_MS = 10_000;
const T0 = Date.UTC(2024, 0, 1);

// Inputs made beforehand, so only the detector is timed.
const g = seededNormal(1);
const inputs: Float64Array[] = [];
for (let s = 0; s < seriesCount; s++) {
  const v = new Float64Array(pointsPerSeries);
  const base = 10 + s;
  for (let i = 0; i < pointsPerSeries; i++) {
    const phase = (((T0 + i * STEP_MS) % 86_400_000) / 86_400_000) * 2 * Math.PI;
    v[i] = base * (1 - 0.4 * Math.cos(phase)) + 0.05 * base * g() + (i % 5000 === 4999 ? 5 * base : 0);
  }
  inputs.push(v);
}

const detectors = inputs.map(() => new SeriesDetector(defaultDetectorConfig));
let checksum = 0;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
// Interleaved by step, as the live part sees them.
for (let i = 0; i < pointsPerSeries; i++) {
  const t = T0 + i * STEP_MS;
  for (let s = 0; s < seriesCount; s++) checksum += detectors[s].update(t, inputs[s][i]).score;
}
const wallS = (performance.now() - wall0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const points = seriesCount * pointsPerSeries;

const gc = (globalThis as { gc?: () => void }).gc;
const memory = () => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
inputs.length = 0;
detectors.length = 0;
const before = memory();
const many: SeriesDetector[] = [];
for (let s = 0; s < memorySeries; s++) {
  const d = new SeriesDetector(defaultDetectorConfig);
  // Enough points to size the profiles (they are allocated after 10 points).
  for (let i = 0; i < 20; i++) d.update(T0 + i * STEP_MS, i % 3);
  many.push(d);
}
const bytesPerSeries = (memory() - before) / memorySeries;

console.log(JSON.stringify({
  bench: 'detect',
  series: seriesCount,
  points,
  points_per_second: Math.round(points / cpuS),
  points_per_second_wall: Math.round(points / wallS),
  cpu_seconds: Number(cpuS.toFixed(2)),
  bytes_per_series: Math.round(bytesPerSeries),
  gc_exposed: gc !== undefined,
  loadavg_1m: Number(loadavg()[0].toFixed(2)),
  checksum: Number(checksum.toFixed(3)),
  kept: many.length,
}));
