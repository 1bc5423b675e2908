// Decode-only throughput of the OTLP codec on realistic SDK trace requests
// (bench/otlp-payloads.ts: 1,000 spans of about 300 bytes per request).
// Prints one JSON line: spans/s and MB/s for protobuf and JSON, each the
// median of several timed rounds after a warm-up; also spans per CPU-second
// of this process (the figure that holds on a shared, busy machine) and the
// load average the run saw. bench/ingest.ts imports protoDecodeCeiling for
// its decode-only ceiling.
// Usage: npm run bench:decode [-- --rounds 7 --round-ms 500 --spans 1000]
import { realpathSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeTracesJson, decodeTracesProto } from '../collector/otlp/index.ts';
import { buildTracePayload } from './otlp-payloads.ts';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Decodes repeatedly for roundMs per round, after one warm-up round; returns
 * the median decoded spans per wall second and per CPU second of this process.
 * `decode(i)` decodes the i-th request and returns its span count.
 */
export function measureDecode(decode: (i: number) => number, rounds: number, roundMs: number): { spansPerSec: number; spansPerCpuSec: number } {
  const perSec: number[] = [];
  const perCpuSec: number[] = [];
  let i = 0;
  for (let r = -1; r < rounds; r++) {
    let spans = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    let elapsed = 0;
    do {
      spans += decode(i++);
      elapsed = performance.now() - start;
    } while (elapsed < roundMs);
    const cpu = process.cpuUsage(cpu0);
    if (r < 0) continue; // round -1 is the warm-up
    perSec.push((spans * 1000) / elapsed);
    perCpuSec.push((spans * 1e6) / (cpu.user + cpu.system));
  }
  return { spansPerSec: median(perSec), spansPerCpuSec: median(perCpuSec) };
}

/** The decode-only ceiling of OTLP/protobuf trace requests: `bodies` decoded in turn. */
export function protoDecodeCeiling(bodies: Uint8Array[], rounds = 5, roundMs = 500): { spansPerSec: number; spansPerCpuSec: number } {
  return measureDecode((i) => decodeTracesProto(bodies[i % bodies.length]!, 0).batch.spanCount, rounds, roundMs);
}

function main(): void {
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
  const checked = (n: number) => {
    if (n !== payload.spanCount) throw new Error('decoded span count differs');
    return n;
  };
  const proto = measureDecode(() => checked(decodeTracesProto(payload.proto, 0).batch.spanCount), rounds, roundMs);
  const json = measureDecode(() => checked(decodeTracesJson(payload.json, 0).batch.spanCount), rounds, roundMs);
  const mb = (bytes: number, spansPerSec: number) => Math.round((bytes * spansPerSec) / payload.spanCount / 1e5) / 10;
  console.log(JSON.stringify({
    bench: 'decode',
    spansPerRequest: payload.spanCount,
    protoBytesPerSpan: Math.round(payload.proto.length / payload.spanCount),
    protoSpansPerSec: Math.round(proto.spansPerSec),
    protoMBPerSec: mb(payload.proto.length, proto.spansPerSec),
    protoSpansPerCpuSec: Math.round(proto.spansPerCpuSec),
    jsonBytesPerSpan: Math.round(payload.json.length / payload.spanCount),
    jsonSpansPerSec: Math.round(json.spansPerSec),
    jsonMBPerSec: mb(payload.json.length, json.spansPerSec),
    jsonSpansPerCpuSec: Math.round(json.spansPerCpuSec),
    rounds,
    roundMs,
    loadAvg1m: Math.round(loadavg()[0] * 10) / 10,
    cpus: availableParallelism(),
    node: process.version,
  }));
}

// Run only as the entry point: bench/ingest.ts imports the measurement.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
