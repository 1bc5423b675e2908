// Cost of the SLO engine at scale: N SLOs (default 200) whose 30-day event
// buckets are all filled, evaluated as the part does every 10 s. Prints one
// JSON line: median milliseconds per evaluation of all SLOs (and per SLO),
// memory per SLO (heap + typed arrays), checkpoint bytes per SLO (first save
// and a later incremental one), and the CPU time the
// run used (the figure that holds on a busy shared machine).
// Usage: npm run bench:slo-engine [-- --slos 200 --rounds 9]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SloEngine } from '../analysis/slo/engine.ts';
import { parseSloSpec } from '../analysis/slo/spec.ts';

const { values } = parseArgs({ options: { slos: { type: 'string', default: '200' }, rounds: { type: 'string', default: '9' } } });
const sloCount = Number(values.slos);
const rounds = Number(values.rounds);
const DAY_MS = 86_400_000;
const T0 = 1_800_000_000_000;

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
// Bucket rings are typed arrays: their bytes count as arrayBuffers, not heap.
const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const heapBefore = memory();
let nowMs = T0;
const engine = new SloEngine(() => nowMs);
for (let i = 0; i < sloCount; i++) {
  engine.upsert(parseSloSpec({ name: `slo-${i}`, service: `svc-${i % 20}`, objective: 99.9, sli: { kind: 'availability' } }, 'bench'));
}
// Every 10 s bucket of the last 30 days holds events (the worst case for memory and sums).
for (let t = T0 - 30 * DAY_MS + 10_000; t <= T0; t += 10_000) {
  for (let i = 0; i < sloCount; i++) engine.record(`slo-${i}`, t - 1, 1, 1000);
}
gc?.();
const heapPerSloBytes = (memory() - heapBefore) / sloCount;

const times: number[] = [];
const cpuStart = process.cpuUsage();
for (let r = 0; r < rounds; r++) {
  nowMs += 10_000;
  const start = performance.now();
  engine.evaluate();
  times.push(performance.now() - start);
}
const cpu = process.cpuUsage(cpuStart);
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
// Checkpoint payload: the first save writes every bucket, later ones (every 30 s) only what changed.
const bytes = (c: { set: string[]; del: string[] }) => [...c.set, ...c.del].reduce((n, s) => n + s.length + 1, 0);
const fullBytes = bytes(engine.checkpointChanges().slos[0]);
for (let t = nowMs; t < nowMs + 30_000; t += 1000) for (let i = 0; i < sloCount; i++) engine.record(`slo-${i}`, t, 0, 100);
const incrementalBytes = bytes(engine.checkpointChanges().slos[0]);

process.stdout.write(`${JSON.stringify({
  bench: 'slo-engine',
  slos: sloCount,
  evaluateAllMsMedian: Number(median.toFixed(2)),
  evaluatePerSloUs: Number(((median * 1000) / sloCount).toFixed(1)),
  memoryPerSloKB: gc ? Number((heapPerSloBytes / 1024).toFixed(1)) : null,
  checkpointFullPerSloKB: Number((fullBytes / 1024).toFixed(1)),
  checkpointIncrementalPerSloBytes: incrementalBytes,
  cpuMs: Number(((cpu.user + cpu.system) / 1000).toFixed(0)),
  loadavg1m: Number(loadavg()[0].toFixed(2)),
})}\n`);
