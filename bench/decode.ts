// Decode-only throughput of the OTLP codec on realistic SDK trace requests
// (bench/otlp-payloads.ts: 1,000 spans of about 300 bytes per request).
// Prints one JSON line: spans/s and MB/s for protobuf and JSON, each the
// median of several timed rounds after a warm-up; also spans per CPU-second
// of this process (the figure that holds on a shared, busy machine) and the
// load average the run saw.
// Usage: npm run bench:decode [-- --rounds 7 --round-ms 500 --spans 1000]
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { decodeTracesJson, decodeTracesProto } from '../collector/otlp/index.ts';
import { buildTracePayload } from './otlp-payloads.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'round-ms': { type: 'string', default: '500' },
    spans: { type: 'string', default: '1000' },
  },
});
const rounds = Number(values.rounds);
const roundMs = Number(values['round-ms']);
const payload = buildTracePayload(Number(values.spans));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Decodes repeatedly for roundMs per round; returns median batches per wall second and per CPU second. */
function measure(decode: () => { batch: { spanCount: number } }): { wall: number; cpu: number } {
  const perSec: number[] = [];
  const perCpuSec: number[] = [];
  for (let r = -1; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    let elapsed = 0;
    do {
      if (decode().batch.spanCount !== payload.spanCount) throw new Error('decoded span count differs');
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < roundMs);
    const cpu = process.cpuUsage(cpu0);
    if (r < 0) continue; // round -1 is the warm-up
    perSec.push((n * 1000) / elapsed);
    perCpuSec.push((n * 1e6) / (cpu.user + cpu.system));
  }
  return { wall: median(perSec), cpu: median(perCpuSec) };
}

const protoBatches = measure(() => decodeTracesProto(payload.proto, 0));
const jsonBatches = measure(() => decodeTracesJson(payload.json, 0));
const mb = (bytes: number, batchesPerSec: number) => Math.round((bytes * batchesPerSec) / 1e5) / 10;
console.log(JSON.stringify({
  bench: 'decode',
  spansPerRequest: payload.spanCount,
  protoBytesPerSpan: Math.round(payload.proto.length / payload.spanCount),
  protoSpansPerSec: Math.round(protoBatches.wall * payload.spanCount),
  protoMBPerSec: mb(payload.proto.length, protoBatches.wall),
  protoSpansPerCpuSec: Math.round(protoBatches.cpu * payload.spanCount),
  jsonBytesPerSpan: Math.round(payload.json.length / payload.spanCount),
  jsonSpansPerSec: Math.round(jsonBatches.wall * payload.spanCount),
  jsonMBPerSec: mb(payload.json.length, jsonBatches.wall),
  jsonSpansPerCpuSec: Math.round(jsonBatches.cpu * payload.spanCount),
  rounds,
  roundMs,
  loadAvg1m: Math.round(loadavg()[0] * 10) / 10,
  cpus: availableParallelism(),
  node: process.version,
}));
