// npm run bench:proxy [-- --runs N]
// Through the fault proxy versus direct, in one run: added p50/p99 latency
// with no fault, throughput of 64 KiB responses, and how exactly a 100 ms
// latency fault adds 100 ms. Upstream and proxy (`faultline proxy`) run as
// child processes; the client here uses raw keep-alive sockets. Prints one
// JSON line with the median of several runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../chaos/proxy/fault-set.ts';
import { RawHttpClient } from './proxy/http-client.ts';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3) || 3;
const LATENCY_REQUESTS = 2000;
const THROUGHPUT_MS = 1500;
const THROUGHPUT_CONNECTIONS = 8;
const FAULT_REQUESTS = 60;
const FAULT_LATENCY_MS = 100;
const BIN = fileURLToPath(new URL('../bin/faultline.mjs', import.meta.url));

const UPSTREAM_CODE = `
const http = require('http');
const small = Buffer.from('ok'); const big = Buffer.alloc(65536, 97);
const server = http.createServer((req, res) => {
  const body = req.url === '/64k' ? big : small;
  res.writeHead(200, { 'content-length': body.length }); res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));`;

function startChild(command: string, args: string[], ready: (line: Record<string, unknown>) => boolean): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FAULTLINE_LOG_FORMAT: 'json', FAULTLINE_LOG_LEVEL: 'warn' } });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const text of out.split('\n')) {
        try {
          const line = JSON.parse(text) as Record<string, unknown>;
          if (ready(line)) return resolve({ child, line });
        } catch { /* partial line */ }
      }
    });
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}): ${out}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeRequests(client: RawHttpClient, path: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await client.get(path);
    out.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return out;
}

/** Latency in µs, direct and proxied, interleaved in blocks so drift hits both alike. */
async function latency(directPort: number, proxyPort: number) {
  const direct = await RawHttpClient.connect(directPort);
  const proxied = await RawHttpClient.connect(proxyPort);
  await timeRequests(direct, '/', 200);
  await timeRequests(proxied, '/', 200);
  const d: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS / 100; i++) {
    d.push(...(await timeRequests(direct, '/', 100)));
    p.push(...(await timeRequests(proxied, '/', 100)));
  }
  direct.close();
  proxied.close();
  d.sort((a, b) => a - b);
  p.sort((a, b) => a - b);
  return { directP50Us: percentile(d, 50), proxyP50Us: percentile(p, 50), directP99Us: percentile(d, 99), proxyP99Us: percentile(p, 99) };
}

/** MB/s of 64 KiB responses over several keep-alive connections. */
async function throughput(port: number): Promise<number> {
  const clients = await Promise.all(Array.from({ length: THROUGHPUT_CONNECTIONS }, () => RawHttpClient.connect(port)));
  let bytes = 0;
  const end = performance.now() + THROUGHPUT_MS;
  const started = performance.now();
  await Promise.all(clients.map(async (c) => {
    while (performance.now() < end) bytes += await c.get('/64k');
  }));
  const seconds = (performance.now() - started) / 1000;
  clients.forEach((c) => c.close());
  return bytes / seconds / 1e6;
}

/** How far the added latency of a 100 ms fault is from 100 ms: signed error at p50, absolute error at p99 (ms). */
async function faultAccuracy(proxyPort: number, controlUrl: string, baselineP50Us: number) {
  const res = await fetch(`${controlUrl}/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fault: { type: 'latency', latencyMs: FAULT_LATENCY_MS }, leaseMs: 120_000 }),
  });
  const { id } = (await res.json()) as { id: string };
  const client = await RawHttpClient.connect(proxyPort);
  const times = await timeRequests(client, '/', FAULT_REQUESTS);
  client.close();
  await fetch(`${controlUrl}/faults/${id}`, { method: 'DELETE' });
  const errorsMs = times.map((us) => (us - baselineP50Us) / 1000 - FAULT_LATENCY_MS).sort((a, b) => a - b);
  const absolute = errorsMs.map(Math.abs).sort((a, b) => a - b);
  return { errorP50Ms: percentile(errorsMs, 50), absErrorP99Ms: percentile(absolute, 99) };
}

/**
 * Lateness of the proxy's own delay timer (waitUntil), in this process: the
 * part of the fault error that is the proxy's, apart from waking processes.
 */
async function timerLateness() {
  const late: number[] = [];
  for (let i = 0; i < 50; i++) {
    const at = performance.now() + 20;
    await waitUntil(at, new Promise(() => {}));
    late.push(performance.now() - at);
  }
  late.sort((a, b) => a - b);
  return { timerLatenessP50Ms: percentile(late, 50), timerLatenessP99Ms: percentile(late, 99) };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (v: number, digits = 1) => Number(v.toFixed(digits));

async function main() {
  const upstream = await startChild(process.execPath, ['-e', UPSTREAM_CODE], (l) => typeof l.port === 'number');
  const upstreamPort = upstream.line.port as number;
  const proxy = await startChild(process.execPath, [BIN, 'proxy', '--listen', ':0', '--upstream', `127.0.0.1:${upstreamPort}`, '--name', 'bench', '--log-level', 'info'],
    (l) => l.msg === 'faultline proxy ready');
  const proxyPort = Number(String(proxy.line.listen).split(':').pop());
  const controlUrl = String(proxy.line.control);
  const runs: Array<Record<string, number>> = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      const lat = await latency(upstreamPort, proxyPort);
      const directMBps = await throughput(upstreamPort);
      const proxyMBps = await throughput(proxyPort);
      const acc = await faultAccuracy(proxyPort, controlUrl, lat.proxyP50Us);
      const timer = await timerLateness();
      runs.push({
        addedP50Us: lat.proxyP50Us - lat.directP50Us,
        addedP99Us: lat.proxyP99Us - lat.directP99Us,
        directP50Us: lat.directP50Us,
        proxyP50Us: lat.proxyP50Us,
        directMBps, proxyMBps, throughputRatio: proxyMBps / directMBps,
        faultErrorP50Ms: acc.errorP50Ms, faultAbsErrorP99Ms: acc.absErrorP99Ms, ...timer,
      });
    }
  } finally {
    proxy.child.kill('SIGTERM');
    upstream.child.kill('SIGKILL');
  }
  const m = (key: string) => median(runs.map((r) => r[key]));
  const result = {
    bench: 'proxy',
    runs: RUNS,
    noFault: { addedP50Us: round(m('addedP50Us')), addedP99Us: round(m('addedP99Us')), directP50Us: round(m('directP50Us')), proxyP50Us: round(m('proxyP50Us')) },
    throughput64KiB: { directMBps: round(m('directMBps')), proxyMBps: round(m('proxyMBps')), ratio: round(m('throughputRatio'), 3) },
    latencyFault100ms: {
      errorP50Ms: round(m('faultErrorP50Ms'), 3), absErrorP99Ms: round(m('faultAbsErrorP99Ms'), 3),
      timerLatenessP50Ms: round(m('timerLatenessP50Ms'), 3), timerLatenessP99Ms: round(m('timerLatenessP99Ms'), 3),
    },
    loadAverage1m: round(loadavg()[0], 2),
    goals: {
      addedP50Under100Us: m('addedP50Us') < 100,
      throughputAtLeast70Percent: m('throughputRatio') >= 0.7,
      faultP50Within1Ms: Math.abs(m('faultErrorP50Ms')) <= 1,
      faultP99Within3Ms: m('faultAbsErrorP99Ms') <= 3,
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
