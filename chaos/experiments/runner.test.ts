import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { silentLogger } from '../../platform/logger.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { createAgent, type Agent } from '../agent/agent.ts';
import { AgentClient } from '../agent/client.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { governorConfigSchema } from '../governor/config.ts';
import { Governor } from '../governor/governor.ts';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.ts';
import { startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { AgentFaultExecutor } from './agent-executor.ts';
import type { SteadyStateSources } from './checks.ts';
import { createChaosMetrics } from './metrics.ts';
import type { RunRecord } from './run-record.ts';
import { RunStore } from './run-store.ts';
import { runExperiment, type RunnerDeps } from './runner.ts';
import { ChaosService } from './service.ts';
import { parseExperiment } from './spec.ts';

// The runner in this process against real parts: Redis, an agent with real
// fault proxies in front of a real upstream, the governor's Lua scripts, and
// HTTP probes against a real server that answers as slowly as asked.
// SLO and signal values are not used here (checks.test.ts covers them).

const noSignals: SteadyStateSources = { sloBurnRate: () => undefined, sloAlertFiring: () => undefined, signal: () => undefined };

describe('runExperiment (real Redis, agent and proxies)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'fl-runner-'));
  let redis: TestRedis;
  let client: Redis;
  let upstream: Upstream;
  let slow: Server;
  let slowUrl = '';
  let proxies: FaultProxy[];
  let agent: Agent;
  let agents: AgentClient;
  let registry: Registry;
  let deps: RunnerDeps;
  let service: ChaosService;

  before(async () => {
    redis = await startTestRedis();
    client = new Redis(redis.url);
    upstream = await startUpstream();
    // GET /ms/N answers 200 after N ms.
    slow = createServer((req, res) => {
      const ms = Number(/^\/ms\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
      setTimeout(() => { res.writeHead(200); res.end('ok'); }, ms);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    proxies = await Promise.all(['probed-1', 'probed-2', 'wide-1', 'wide-2', 'wide-3'].map((name) => startFaultProxy({ name, listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: upstream.port })));
    agent = await createAgent({ name: 'runner-test', redisUrl: redis.url, proxies, logger: silentLogger(), config: { stateDir } });
    agents = new AgentClient(redis.url);
    registry = new Registry();
    deps = {
      redis: client,
      executor: new AgentFaultExecutor(client, agents),
      governor: new Governor(client, governorConfigSchema.parse({ maxInstancePercent: 67 })),
      sources: noSignals,
      store: new RunStore(client),
      audit: new AuditLog(client),
      metrics: createChaosMetrics(registry),
      logger: silentLogger(),
      ownerId: 'runner-test',
    };
    service = new ChaosService({ ...deps, redisUrl: redis.url });
  });
  after(async () => {
    await service?.stopLocal(1000);
    await agents?.close();
    await agent?.stop();
    for (const p of proxies ?? []) await p.close();
    await upstream?.close();
    slow?.closeAllConnections();
    await new Promise<void>((r) => (slow ? slow.close(() => r()) : r()));
    client?.disconnect();
    await redis?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const experiment = (name: string, spec: Record<string, unknown>) => parseExperiment({
    apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name }, spec: { checkInterval: '1s', leaseTtl: '1s', ...spec },
  });
  const probedFaults = () => proxies.filter((p) => p.name.startsWith('probed-')).reduce((n, p) => n + p.faults().length, 0);
  const metricLines = async (name: string) => (await registry.getSingleMetricAsString(name)).split('\n').filter((l) => l.startsWith(`${name}{`));

  /** Samples what the run holds every 20 ms while it goes on. */
  async function sampled<S extends object>(run: Promise<RunRecord>, sample: () => Promise<S>) {
    const samples: Array<S & { atMs: number; done: boolean }> = [];
    let done = false;
    const loop = (async () => {
      while (!done) {
        samples.push({ atMs: Date.now(), done, ...(await sample()) });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const record = await run.finally(() => { done = true; });
    await loop;
    return { record, samples };
  }

  it('a check slower than the lease keeps the fault, the admission and the run on their leases; the active gauge drops when the fault is reverted', async () => {
    const exp = experiment('slow-probe', {
      // Each check takes 2.5 s; the leases last 1 s.
      hypothesis: [{ httpProbe: { url: `${slowUrl}/ms/2500`, timeoutMs: 5000 } }],
      targets: { service: 'probed' }, fault: { type: 'latency', latencyMs: 1 }, duration: '4s',
    });
    const { record, samples } = await sampled(runExperiment(exp, { who: 'test' }, deps), async () => ({
      faulted: probedFaults() > 0,
      active: (await metricLines('faultline_chaos_experiment_active')).length > 0,
      zeroRuns: (await metricLines('faultline_chaos_runs_total')).includes('faultline_chaos_runs_total{experiment="slow-probe",verdict="passed"} 0'),
    }));
    assert.equal(record.status, 'passed', record.reason ?? '');
    const first = samples.findIndex((s) => s.faulted);
    const last = samples.length - 1 - [...samples].reverse().findIndex((s) => s.faulted);
    assert.ok(first >= 0, 'the fault was applied');
    assert.ok(samples.slice(first, last + 1).every((s) => s.faulted), 'the fault never lapsed while the run held it');
    assert.ok(samples[last].atMs - samples[first].atMs >= 3500, `fault held ${samples[last].atMs - samples[first].atMs} ms of 4 s`);
    assert.ok(samples.slice(last + 1).some((s) => !s.active && !s.done), 'the active gauge was gone while the "after" checks ran');
    assert.ok(samples.some((s) => s.zeroRuns), 'runs_total{verdict="passed"} was 0 before the run ended');
    assert.ok((await metricLines('faultline_chaos_runs_total')).includes('faultline_chaos_runs_total{experiment="slow-probe",verdict="passed"} 1'));
    assert.equal(probedFaults(), 0);
  });

  it('a refused widening keeps the step reached for the rest of the duration, says so in the verdict, and a dry run previews every step', async () => {
    const exp = experiment('widen', { targets: { service: 'wide', selection: { steps: [34, 67, 100] } }, fault: { type: 'latency', latencyMs: 1 }, duration: '3s' });
    const dry = await runExperiment(exp, { who: 'test', dryRun: true }, deps);
    assert.equal(dry.status, 'passed', dry.reason ?? '');
    assert.deepEqual(dry.governor?.steps?.map((s) => [s.step, s.percent, s.instances.length, s.admitted]), [[1, 34, 1, true], [2, 67, 2, true], [3, 100, 3, false]]);
    assert.match(dry.reason ?? '', /step 3\/3 \(100%\) would be refused now, so it would stay at step 2: governor: 3 of 3 instances of wide/);

    const faulted = () => proxies.filter((p) => p.name.startsWith('wide-') && p.faults().length > 0).length;
    const { record, samples } = await sampled(runExperiment(exp, { who: 'test' }, deps), async () => ({ faulted: faulted() }));
    assert.equal(record.status, 'passed', record.reason ?? '');
    assert.deepEqual(record.step, { reached: 2, of: 3, percent: 67, refused: { step: 3, percent: 100, message: record.step?.refused?.message } });
    assert.match(record.reason ?? '', /reached step 2\/3 \(67%\), widening to step 3 \(100%\) refused: governor: 3 of 3 instances of wide would be under faults/);
    const two = samples.filter((s) => s.faulted === 2);
    assert.ok(two.length > 0 && two.at(-1)!.atMs - two[0].atMs >= 1800, `two instances faulted for ${two.length ? two.at(-1)!.atMs - two[0].atMs : 0} ms: the run stayed at step 2 after the refusal`);
    assert.ok(samples.every((s) => s.faulted <= 2));
    assert.equal(faulted(), 0);
  });

  it('a global halt records who halted; halting an unknown name finds nothing and audits it so', async () => {
    const started = service.runToEnd(experiment('halted', { targets: { service: 'probed' }, fault: { type: 'latency', latencyMs: 1 }, duration: '60s' }), 'test');
    for (let i = 0; i < 200 && probedFaults() === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await service.haltAll('alice');
    const record = await started;
    assert.deepEqual([record.status, record.haltedBy, record.reason], ['aborted', 'alice', 'halted: global chaos halt by alice']);
    await service.resume('alice');

    assert.deepEqual(await service.halt('no-such-experiment', 'bob'), { found: false, halting: [] });
    const [entry] = await deps.audit.list(1);
    assert.deepEqual([entry.action, entry.experiment, entry.result], ['halt', 'no-such-experiment', 'not found']);
    assert.deepEqual(await service.halt('halted', 'bob'), { found: true, halting: [] });
    assert.equal((await deps.audit.list(1))[0].result, 'nothing running');
  });
});
