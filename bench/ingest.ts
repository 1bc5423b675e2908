// End-to-end OTLP/HTTP ingest: `faultline up` as a child (with every part,
// analysis included), fed protobuf requests of 1,000 realistic SDK spans from
// a separate load process (bench/ingest-load.ts) for a fixed time. Prints one
// JSON line: accepted spans/s, spans per CPU-second of the faultline process
// (/proc/PID/stat utime+stime), p50/p99 request latency, peak RSS (VmHWM),
// and the decode-only ceiling measured here on the same payloads. Several
// runs (a fresh faultline each); the figures are their medians.
// Usage: npm run bench:ingest [-- --runs 3 --duration-ms 10000 --connections 4 --payloads 16 --config faultline.yaml]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFaultline } from '../platform/testing/faultline-process.ts';
import { scrape, sumSeries } from '../platform/testing/prom-text.ts';
import { median, protoDecodeCeiling } from './decode.ts';
import { buildTracePayload } from './otlp-payloads.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'duration-ms': { type: 'string', default: '10000' },
    connections: { type: 'string', default: '4' },
    payloads: { type: 'string', default: '16' },
    spans: { type: 'string', default: '1000' },
    /** A faultline.yaml for the child, e.g. to size the trace store. Default: none (all defaults). */
    config: { type: 'string' },
  },
});
const runs = Number(values.runs);
const durationMs = Number(values['duration-ms']);
const connections = Number(values.connections);
const spansPerRequest = Number(values.spans);
const root = new URL('..', import.meta.url).pathname;
const CLOCK_TICKS_PER_SEC = 100; // USER_HZ on Linux

/** utime + stime of a process, in CPU seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// Distinct requests (different trace IDs), timestamped now, as a live SDK would send.
const payloads = Array.from({ length: Number(values.payloads) }, (_, i) => buildTracePayload(spansPerRequest, Date.now() - 60_000 + i * 1000).proto);
const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
const bodyFile = join(dir, 'bodies.bin');
// Length-prefixed bodies, read back by the load process.
writeFileSync(bodyFile, Buffer.concat(payloads.flatMap((p) => {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(p.length);
  return [len, Buffer.from(p)];
})));

interface LoadResult { requests: number; elapsedMs: number; statuses: Record<string, number>; p50Ms: number; p99Ms: number }

async function run(): Promise<Record<string, number>> {
  const fl = await startFaultline({ args: values.config ? ['--config', values.config] : [] });
  try {
    const load = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest-load.ts', `${fl.addresses.otlpHttp}/v1/traces`, bodyFile, String(durationMs), String(connections)], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let cpuAtStart = 0;
    let acceptedAtStart = 0;
    let out = '';
    const result = await new Promise<LoadResult>((resolve, reject) => {
      load.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (cpuAtStart === 0 && out.includes('measuring\n')) {
          cpuAtStart = cpuSeconds(fl.pid);
          void scrape(fl.addresses.api!).then((s) => { acceptedAtStart = sumSeries(s, 'faultline_receiver_accepted_spans_total'); });
        }
      });
      load.once('exit', (code) => {
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (code !== 0 || !line) reject(new Error(`load process failed (${code}): ${out}`));
        else resolve(JSON.parse(line) as LoadResult);
      });
    });
    const cpuUsed = cpuSeconds(fl.pid) - cpuAtStart;
    // What the collector itself counted, not what the load side believes.
    const accepted = sumSeries(await scrape(fl.addresses.api!), 'faultline_receiver_accepted_spans_total') - acceptedAtStart;
    const refused = Object.entries(result.statuses).filter(([s]) => s !== '200').reduce((n, [, c]) => n + c, 0);
    return {
      acceptedSpansPerSec: accepted / (result.elapsedMs / 1000),
      spansPerCpuSec: accepted / cpuUsed,
      collectorCpuCores: cpuUsed / (result.elapsedMs / 1000),
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      peakRssMiB: peakRssMiB(fl.pid),
      refusedRequests: refused,
      requests: result.requests,
    };
  } finally {
    await fl.stop('SIGTERM');
  }
}

// The decode-only ceiling, on the same bodies in this process (bench/decode.ts's measurement).
const ceiling = protoDecodeCeiling(payloads);
const results: Array<Record<string, number>> = [];
for (let i = 0; i < runs; i++) results.push(await run());
rmSync(dir, { recursive: true, force: true });
const med = (k: string) => median(results.map((r) => r[k]!));
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
console.log(JSON.stringify({
  bench: 'ingest',
  transport: 'http/protobuf',
  spansPerRequest,
  bytesPerSpan: Math.round(payloads[0]!.length / spansPerRequest),
  runs,
  config: values.config ?? 'defaults',
  durationMs,
  connections,
  acceptedSpansPerSec: round(med('acceptedSpansPerSec')),
  spansPerCpuSec: round(med('spansPerCpuSec')),
  collectorCpuCores: round(med('collectorCpuCores'), 2),
  p50Ms: round(med('p50Ms'), 1),
  p99Ms: round(med('p99Ms'), 1),
  peakRssMiB: round(med('peakRssMiB'), 1),
  refusedRequests: med('refusedRequests'),
  decodeOnlySpansPerCpuSec: round(ceiling.spansPerCpuSec),
  decodeOnlySpansPerSec: round(ceiling.spansPerSec),
  fractionOfDecodeCeiling: round(med('spansPerCpuSec') / ceiling.spansPerCpuSec, 3),
  perRunSpansPerCpuSec: results.map((r) => round(r.spansPerCpuSec!)),
  loadAvg1m: round(loadavg()[0], 1),
  cpus: availableParallelism(),
  node: process.version,
}));
