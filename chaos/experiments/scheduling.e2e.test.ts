import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Agent } from '../agent/agent.ts';
import type { FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import type { RunningScenario } from '../../scenarios/runner/runner.ts';
import type { RunRecord } from './run-record.ts';
import { api, appliedFaults, experiment, finished, sloDir, startCluster, startPlatform, waitFor } from './testing.ts';

// Several Faultline processes share one Redis: they race for the blast
// radius, share cron schedules, and one of them dies with SIGKILL mid-run.

describe('experiments across several schedulers', () => {
  let redis: TestRedis;
  const platforms: FaultlineProcess[] = [];
  let cluster: { run: RunningScenario; agent: Agent };
  const slos = sloDir();

  before(async () => {
    redis = await startTestRedis();
    platforms.push(await startPlatform(redis.url, slos), await startPlatform(redis.url, slos));
    cluster = await startCluster(platforms[0].addresses.otlpHttp, redis.url);
  });

  after(async () => {
    await cluster?.agent.stop();
    await cluster?.run.stop();
    for (const p of platforms) await p.stop('SIGTERM');
    await redis?.stop();
    rmSync(slos, { recursive: true, force: true });
  });

  it('two schedulers racing with many random experiments never exceed the policy (checked on the proxies)', async () => {
    const maxSeen = { concurrent: 0, perService: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const faulted = [...appliedFaults(cluster.run).keys()];
        const byService = new Map<string, number>();
        for (const name of faulted) {
          const service = name.replace(/-\d+$/, '');
          byService.set(service, (byService.get(service) ?? 0) + 1);
        }
        maxSeen.concurrent = Math.max(maxSeen.concurrent, faulted.length);
        maxSeen.perService = Math.max(maxSeen.perService, ...byService.values(), 0);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const services = ['service-a', 'service-b'];
    const started = await Promise.all(Array.from({ length: 24 }, (_, i) => api<{ runId: string }>(
      platforms[i % 2].addresses.api, 'POST', '/api/v1/experiments?mode=run',
      experiment(`race-${i}`, {
        targets: { service: services[Math.floor(Math.random() * 2)], selection: { mode: 'one' } },
        fault: { type: 'latency', latencyMs: 5 },
        duration: `${1 + Math.floor(Math.random() * 2)}s`,
      }),
    )));
    const runs: RunRecord[] = [];
    for (const s of started) runs.push(await finished(platforms[0].addresses.api, s.body.runId, 60_000));
    sampling = false;
    await sampler;
    assert.ok(runs.some((r) => r.status === 'passed'), 'some runs got through');
    assert.ok(runs.some((r) => r.status === 'aborted' && /governor/.test(r.reason ?? '')), 'some runs were refused');
    assert.ok(maxSeen.perService <= 1, `${maxSeen.perService} instances of one service (of 3) under faults at once`);
    assert.ok(maxSeen.concurrent <= 2, `${maxSeen.concurrent} faulted instances at once`);
    assert.deepEqual([...appliedFaults(cluster.run)], []);
  });

  it('a run on one process moves the resilience score on the other', async () => {
    const score = async (p: FaultlineProcess) => Number(/^faultline_chaos_resilience_score\{service="service-a"\} (\S+)$/m
      .exec(await (await fetch(`${p.addresses.api}/metrics`)).text())?.[1] ?? NaN);
    // A failed run on platform 0: service-a-1 answers 503 through its proxy while the probe wants 200.
    const run = await finished(platforms[0].addresses.api, (await api<{ runId: string }>(platforms[0].addresses.api, 'POST', '/api/v1/experiments?mode=run', experiment('a-fails', {
      hypothesis: [{ httpProbe: { url: `http://127.0.0.1:${cluster.run.proxies.get('service-a-1')!.port}/a`, expectStatus: 200 } }],
      targets: { service: 'service-a', instances: ['service-a-1'] },
      fault: { type: 'abort', statusCode: 503 },
      duration: '2s',
    }))).body.runId);
    assert.equal(run.status, 'failed', run.reason ?? '');
    const onRunner = await waitFor('the failed run in platform 0\'s score', async () => {
      const v = await score(platforms[0]);
      return v < 1 ? v : undefined;
    }, 10_000, 250);
    await waitFor('platform 1 showing the same service-a score', async () => ((await score(platforms[1])) === onRunner ? true : undefined), 15_000, 500);
  });

  it('a cron experiment scheduled on two processes runs once per slot', async () => {
    const body = experiment('every-two-seconds', {
      targets: { service: 'service-a', selection: { mode: 'one' } },
      fault: { type: 'latency', latencyMs: 5 },
      duration: '1s',
      schedule: { cron: '*/2 * * * * *', startingDeadlineSeconds: 5 },
    });
    const scheduled = await api<{ name: string; next?: number }>(platforms[0].addresses.api, 'POST', '/api/v1/experiments?mode=schedule', body);
    assert.equal(scheduled.status, 201);
    await new Promise((r) => setTimeout(r, 9000));
    assert.equal((await api(platforms[1].addresses.api, 'DELETE', '/api/v1/experiments/every-two-seconds')).status, 200);
    await new Promise((r) => setTimeout(r, 2500));
    const runs = (await api<{ runs: RunRecord[] }>(platforms[0].addresses.api, 'GET', '/api/v1/runs?experiment=every-two-seconds')).body.runs;
    const slots = runs.map((r) => r.scheduledForMs);
    assert.ok(runs.length >= 3 && runs.length <= 6, `${runs.length} runs in ~9 s of a 2 s schedule`);
    assert.equal(new Set(slots).size, slots.length, `each slot once: ${slots.join(', ')}`);
    assert.ok(runs.every((r) => r.who === 'scheduler'));
  });

  it('the process running an experiment is killed with SIGKILL: the lease reverts the fault, and after restart the run is interrupted', async () => {
    const victim = platforms.pop()!;
    const started = await api<{ runId: string }>(victim.addresses.api, 'POST', '/api/v1/experiments?mode=run', experiment('doomed', {
      targets: { service: 'service-b', selection: { mode: 'one' } },
      fault: { type: 'latency', latencyMs: 300 },
      duration: '60s',
      leaseTtl: '3s',
    }));
    await waitFor('the fault applied', () => (appliedFaults(cluster.run).size === 1 ? true : undefined), 15_000);
    await victim.stop('SIGKILL');
    const t0 = Date.now();
    await waitFor('the lease to revert the fault', () => (appliedFaults(cluster.run).size === 0 ? true : undefined), 8_000, 50);
    assert.ok(Date.now() - t0 <= 5000, `reverted ${Date.now() - t0} ms after the kill (lease 3 s)`);
    const restarted = await startPlatform(redis.url, slos);
    platforms.push(restarted);
    const run = await waitFor('the run recorded as interrupted', async () => {
      const r = await api<RunRecord>(restarted.addresses.api, 'GET', `/api/v1/experiments/${started.body.runId}`);
      return r.body.status === 'interrupted' ? r.body : undefined;
    }, 15_000, 250);
    assert.match(run.reason ?? '', /reverted when their leases ended/);
  });
});
