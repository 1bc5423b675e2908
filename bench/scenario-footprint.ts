// What a scenario costs on this machine: time until every instance listens,
// resident memory per instance process, and CPU time the instances use per
// second under the scenario's load (CPU time, not wall-clock shares: on a
// shared box the neighbours would otherwise be measured). Spans go to a local
// OTLP endpoint that decodes them with the collector's codec.
// Prints one JSON line.
// Usage: npm run bench:scenario [-- --scenario shop --seconds 20]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { silentLogger } from '../platform/logger.ts';
import { resolveScenarioPath } from '../scenarios/builtin.ts';
import { startScenario } from '../scenarios/runner/runner.ts';
import { loadScenarioFile } from '../scenarios/spec/load.ts';
import { startTraceSink } from '../scenarios/testing/trace-sink.ts';

const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'shop' }, seconds: { type: 'string', default: '20' } } });
const seconds = Number(values.seconds);
const ticksPerSecond = 100; // USER_HZ on Linux

function procStat(pid: number): { cpuTicks: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based), rss field 24 in pages.
  return { cpuTicks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * 4096 };
}

const sink = await startTraceSink();
const { scenario } = loadScenarioFile(resolveScenarioPath(values.scenario!));
const startedMs = Date.now();
const run = await startScenario(scenario, { collectorUrl: sink.url, agent: false, stateDir: '/tmp/faultline-bench-scenario' }, silentLogger());
const startupMs = Date.now() - startedMs;
await new Promise((r) => setTimeout(r, 3000));
const pids = run.status().instances.map((i) => i.pid);
const before = pids.map(procStat);
const spansBefore = sink.spans.length;
await new Promise((r) => setTimeout(r, seconds * 1000));
const after = pids.map(procStat);
const load = run.status().load!;
const spans = sink.spans.length - spansBefore;
await run.stop();
await sink.close();

const rss = after.map((s) => s.rssBytes / 1024 / 1024);
const cpuSeconds = after.reduce((sum, s, i) => sum + (s.cpuTicks - before[i].cpuTicks), 0) / ticksPerSecond;
console.log(JSON.stringify({
  bench: 'scenario-footprint',
  scenario: scenario.metadata.name,
  instances: pids.length,
  startupMs,
  rssMiBPerInstanceAvg: Math.round(rss.reduce((a, b) => a + b, 0) / rss.length),
  rssMiBPerInstanceMax: Math.round(Math.max(...rss)),
  rps: scenario.spec.load.rps,
  instanceCpuSecondsPerSecond: Number((cpuSeconds / seconds).toFixed(3)),
  spansPerSecond: Math.round(spans / seconds),
  loadP50Ms: Math.round(load.p50Ms),
  loadP99Ms: Math.round(load.p99Ms),
  loadavg1m: Number(loadavg()[0].toFixed(2)),
}));
