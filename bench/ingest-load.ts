// The load side of bench/ingest.ts, run as its own process so its CPU is not
// the collector's: posts the same OTLP/HTTP protobuf body over keep-alive
// connections for a fixed time and prints one JSON line with what happened.
// Usage: tsx bench/ingest-load.ts <url> <bodies-file> <durationMs> <connections>
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, bodyFile, durationArg, connectionsArg] = process.argv.slice(2);
if (!url || !bodyFile) {
  process.stderr.write('usage: ingest-load.ts <url> <body-file> <durationMs> <connections>\n');
  process.exit(2);
}
// The file holds length-prefixed (uint32 LE) request bodies; requests rotate through them.
const file = readFileSync(bodyFile);
const bodies: Buffer[] = [];
for (let pos = 0; pos < file.length;) {
  const len = file.readUInt32LE(pos);
  bodies.push(file.subarray(pos + 4, pos + 4 + len));
  pos += 4 + len;
}
let next = 0;
const durationMs = Number(durationArg ?? 10_000);
const connections = Number(connectionsArg ?? 4);
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);

const latenciesMs: number[] = [];
const statuses: Record<string, number> = {};
let stopAt = 0;

function post(): Promise<void> {
  return new Promise((resolve) => {
    const body = bodies[next++ % bodies.length]!;
    const start = performance.now();
    const req = request({
      agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        latenciesMs.push(performance.now() - start);
        statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', (err) => {
      statuses[err.message] = (statuses[err.message] ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });
}

async function worker(): Promise<void> {
  while (performance.now() < stopAt) await post();
}

// Warm up (JIT on both sides), then measure.
stopAt = performance.now() + Math.min(2000, durationMs / 5);
await Promise.all(Array.from({ length: connections }, worker));
latenciesMs.length = 0;
for (const k of Object.keys(statuses)) delete statuses[k];
process.stdout.write('measuring\n');
const start = performance.now();
stopAt = start + durationMs;
await Promise.all(Array.from({ length: connections }, worker));
const elapsedMs = performance.now() - start;
latenciesMs.sort((a, b) => a - b);
const pct = (p: number) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(p * latenciesMs.length))] ?? 0;
process.stdout.write(`${JSON.stringify({ requests: latenciesMs.length, elapsedMs, statuses, p50Ms: pct(0.5), p99Ms: pct(0.99) })}\n`);
agent.destroy();
