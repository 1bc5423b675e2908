import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Agent } from '../agent/agent.ts';
import type { FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import type { RunningScenario } from '../../scenarios/runner/runner.ts';
import type { RunRecord } from './run-record.ts';
import { api, appliedFaults, experiment, finished, runUntilDone, sloDir, startCluster, startPlatform, waitFor } from './testing.ts';

// The reference experiment from the design literature, on a real platform:
// `faultline up` as a child process (the scheduler and API), the reference
// cluster's instances as real OpenTelemetry-instrumented processes behind
// fault proxies, and an agent that owns those proxies.

describe('chaos experiments on the reference cluster', () => {
  let redis: TestRedis;
  let platform: FaultlineProcess;
  let cluster: { run: RunningScenario; agent: Agent };
  let base = '';
  const slos = sloDir();

  before(async () => {
    redis = await startTestRedis();
    platform = await startPlatform(redis.url, slos);
    base = platform.addresses.api;
    cluster = await startCluster(platform.addresses.otlpHttp, redis.url);
    // The SLO needs traffic before hypotheses that read it mean anything.
    await waitFor('edge traffic in the SLO engine', async () => {
      const r = await api<{ evaluation: { windows: Array<{ window: string; total: number }> } | null }>(base, 'GET', '/api/v1/slos/edge-availability');
      return (r.body.evaluation?.windows.find((w) => w.window === '5m')?.total ?? 0) > 50 ? true : undefined;
    }, 60_000, 500);
  });

  after(async () => {
    await cluster?.agent.stop();
    await cluster?.run.stop();
    await platform?.stop();
    await redis?.stop();
    rmSync(slos, { recursive: true, force: true });
  });

  it('latency +500 ms on one service-b instance: applied through its proxy, then gone', async () => {
    const started = await api<{ runId: string }>(base, 'POST', '/api/v1/experiments?mode=run', experiment('b-latency', {
      hypothesis: [{ sloBurnRate: { slo: 'edge-availability', maxBurnRate: 14.4 } }],
      targets: { service: 'service-b', selection: { mode: 'one' } },
      fault: { type: 'latency', latencyMs: 500 },
      duration: '4s',
    }));
    assert.equal(started.status, 202);
    const target = await waitFor('the latency fault on a service-b proxy', () => {
      const faulted = [...appliedFaults(cluster.run).keys()];
      return faulted.length === 1 ? faulted[0] : undefined;
    }, 15_000);
    assert.match(target, /^service-b-\d$/);
    const proxy = cluster.run.proxies.get(target)!;
    const t0 = Date.now();
    await (await fetch(`http://127.0.0.1:${proxy.port}/b`)).arrayBuffer();
    assert.ok(Date.now() - t0 >= 480, `a request through ${target} took ${Date.now() - t0} ms`);
    const run = await finished(base, started.body.runId);
    assert.equal(run.status, 'passed', run.reason ?? '');
    assert.deepEqual(run.targets, [target]);
    assert.deepEqual([...appliedFaults(cluster.run)], [], 'no fault remains');
    assert.ok(run.timeline.some((e) => e.event === 'faults reverted'));
  });

  it('kill one service-a instance: the supervisor restarts it', async () => {
    const before = cluster.run.status().restarts;
    const run = await runUntilDone(base, experiment('a-kill', {
      targets: { service: 'service-a', selection: { mode: 'one' } },
      fault: { type: 'kill' },
      duration: '2s',
    }));
    assert.equal(run.status, 'passed', run.reason ?? '');
    await waitFor('a restart', () => (cluster.run.status().restarts > before ? true : undefined), 20_000);
    await waitFor('all instances running again', () => (cluster.run.status().instances.every((i) => i.state === 'running') ? true : undefined), 20_000);
  });

  it('partition one third of service-b; the governor refuses a fault that would exceed one third', async () => {
    const partition = await api<{ runId: string }>(base, 'POST', '/api/v1/experiments?mode=run', experiment('b-partition-third', {
      targets: { service: 'service-b', selection: { mode: 'percent', value: 34 } },
      fault: { type: 'partition', mode: 'reset' },
      duration: '6s',
    }));
    await waitFor('the partition applied', () => (appliedFaults(cluster.run).size === 1 ? true : undefined), 15_000);
    const second = await runUntilDone(base, experiment('b-one-more', {
      targets: { service: 'service-b', selection: { mode: 'fixed', value: 1 }, instances: ['service-b-1', 'service-b-2', 'service-b-3'] },
      fault: { type: 'latency', latencyMs: 100 },
      duration: '2s',
    }));
    const first = await api<RunRecord>(base, 'GET', `/api/v1/experiments/${partition.body.runId}`);
    const other = first.body.targets[0];
    // The seeded order may pick the same instance the partition holds (allowed: still 1 of 3).
    if (second.targets[0] !== other) {
      assert.equal(second.status, 'aborted');
      assert.match(second.reason ?? '', /2 of 3 instances of service-b would be under faults; at most 1 \(34%/);
    }
    const third = await runUntilDone(base, experiment('b-two-more', {
      targets: { service: 'service-b', selection: { mode: 'fixed', value: 2 } },
      fault: { type: 'latency', latencyMs: 100 },
      duration: '2s',
    }));
    assert.equal(third.status, 'aborted');
    assert.match(third.reason ?? '', /governor: .* instances of service-b would be under faults/);
    const done = await finished(base, partition.body.runId);
    assert.equal(done.status, 'passed', done.reason ?? '');
    assert.deepEqual([...appliedFaults(cluster.run)], []);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /faultline_chaos_governor_rejections_total\{limit="max-instance-percent"\} [1-9]/);
  });

  // Earlier tests' faults already burn the 5m window, and a run whose abort
  // condition holds before it starts is refused; so the threshold sits above
  // the burn now, and the run's own fault (a third of the edge's calls fail,
  // a burn rate near 66) pushes the burn across it.
  it('a run whose SLO burns too fast is aborted automatically, and its faults are gone', async () => {
    const slo = await api<{ evaluation: { windows: Array<{ window: string; burnRate: number | null }> } | null }>(base, 'GET', '/api/v1/slos/edge-availability');
    const burnNow = slo.body.evaluation?.windows.find((w) => w.window === '5m')?.burnRate ?? 0;
    assert.ok(burnNow < 40, `the 5m burn rate is ${burnNow} already`);
    const maxBurnRate = Math.max(10, Math.ceil(burnNow * 1.2) + 2);
    const run = await runUntilDone(base, experiment('a-abort-burn', {
      targets: { service: 'service-a', selection: { mode: 'one' } },
      fault: { type: 'abort', statusCode: 503 },
      duration: '60s',
      abort: { checks: [{ sloBurnRate: { slo: 'edge-availability', maxBurnRate, window: '5m' } }] },
    }), 60_000);
    assert.equal(run.status, 'aborted', run.reason ?? '');
    assert.match(run.reason ?? '', new RegExp(`^abort condition: SLO edge-availability burn rate \\(5m\\) < ${maxBurnRate}`));
    assert.ok(run.endedAtMs! - run.startedAtMs! < 40_000, 'aborted well before the 60 s duration');
    assert.deepEqual([...appliedFaults(cluster.run)], []);
  });

  it('a global halt in the middle of several experiments reverts every fault within 5 s', async () => {
    const ids: string[] = [];
    for (const [name, service] of [['halt-a', 'service-a'], ['halt-b', 'service-b']]) {
      const r = await api<{ runId: string }>(base, 'POST', '/api/v1/experiments?mode=run', experiment(name, {
        targets: { service, selection: { mode: 'one' } },
        fault: { type: 'latency', latencyMs: 200 },
        duration: '60s',
      }));
      ids.push(r.body.runId);
    }
    await waitFor('both faults applied', () => (appliedFaults(cluster.run).size === 2 ? true : undefined), 15_000);
    const t0 = Date.now();
    assert.equal((await api(base, 'POST', '/api/v1/chaos/halt')).status, 200);
    await waitFor('every fault reverted', () => (appliedFaults(cluster.run).size === 0 ? true : undefined), 5_000, 20);
    const elapsedMs = Date.now() - t0;
    assert.ok(elapsedMs <= 5000, `${elapsedMs} ms`);
    for (const id of ids) {
      const run = await finished(base, id, 10_000);
      assert.equal(run.status, 'aborted');
      assert.match(run.reason ?? '', /halted/);
    }
    const audit = await api<{ entries: Array<{ action: string }> }>(base, 'GET', '/api/v1/audit?limit=20');
    assert.ok(audit.body.entries.some((e) => e.action === 'halt-all'));
    await api(base, 'POST', '/api/v1/chaos/resume');
  });
});
