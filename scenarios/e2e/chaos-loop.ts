import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliToken } from '../../platform/auth/tokens.ts';
import { silentLogger } from '../../platform/logger.ts';
import { startScenario, type RunningScenario } from '../runner/runner.ts';
import { paymentsChain } from './payments-chain.ts';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';

// Experiments from the platform's API acting on a scenario through the
// runner's chaos agent and fault proxies: the steady-state guard aborting a
// latency experiment on its SLO, and a global halt in the middle of one.

const scenario = paymentsChain('chaos-loop', 20);

const checkoutLatencySlo = {
  name: 'checkout-latency', service: 'checkout', objective: 99, sli: { kind: 'latency', thresholdMs: 250 },
};

function experiment(name: string, latencyMs: number, duration: string, abortChecks: unknown[]) {
  return {
    apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name },
    spec: {
      targets: { service: 'payments', selection: { mode: 'one' } },
      fault: { type: 'latency', latencyMs },
      duration, checkInterval: '1s', leaseTtl: '10s',
      abort: { checks: abortChecks },
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

describe('chaos experiments on a running scenario', () => {
  let faultline: FaultlineProcess | undefined;
  let run: RunningScenario | undefined;
  let token: string | undefined;
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => fetch(`${faultline!.addresses.api}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const faultsOnProxies = () => [...run!.proxies.values()].reduce((n, p) => n + p.faults().length, 0);

  before(async () => {
    faultline = await startFaultline({ config: { slo: { evaluationIntervalMs: 1000 } } });
    token = cliToken(undefined, faultline.dataDir);
    run = await startScenario(scenario, {
      collectorUrl: faultline.addresses.otlpHttp!, redisUrl: faultline.addresses.redis!, traceExportDelayMs: 200,
      stateDir: join(faultline.dataDir, 'agent'),
    }, silentLogger());
    const created = await api('/api/v1/slos', { method: 'POST', body: checkoutLatencySlo });
    assert.equal(created.status, 201, await created.text());
    // Steady state first: events in the window, and a burn rate below the guard's limit
    // (on a busy machine a few requests are slow without any fault).
    let burn: number | null | undefined;
    await waitFor('checkout-latency to have events and a low burn rate', async () => {
      const status = await (await api('/api/v1/slos/checkout-latency')).json() as { evaluation: { windows: Array<{ window: string; burnRate: number | null }> } | null };
      burn = status.evaluation?.windows.find((w) => w.window === '5m')?.burnRate;
      return typeof burn === 'number' && burn < 10 ? true : undefined;
    }, 40_000).catch((err: Error) => { throw new Error(`${err.message} (5m burn rate ${burn})`); });
  });

  after(async () => {
    await run?.stop();
    await faultline?.stop();
  });

  it('latency +300 ms on payments: checkout p99 rises, its SLO burns, the guard aborts the run, no fault remains', async () => {
    const started = await api('/api/v1/experiments?mode=run', {
      method: 'POST',
      body: experiment('payments-latency', 300, '2m', [{ sloBurnRate: { slo: 'checkout-latency', maxBurnRate: 14.4, window: '5m' } }]),
    });
    const startedText = await started.text();
    assert.equal(started.status, 202, startedText);
    const { runId } = JSON.parse(startedText) as { runId: string };
    await waitFor('the fault on one payments proxy', async () => (faultsOnProxies() === 1 ? true : undefined), 15_000);
    const record = await waitFor('the run to end', async () => {
      const r = await (await api(`/api/v1/experiments/${runId}`)).json() as { status: string; reason?: string; targets: string[]; endedAtMs?: number };
      return ['passed', 'failed', 'aborted', 'error'].includes(r.status) ? r : undefined;
    }, 45_000);
    assert.equal(record.status, 'aborted', `verdict ${record.status}: ${record.reason}`);
    assert.match(record.reason ?? '', /checkout-latency/);
    assert.equal(record.targets.length, 1);
    assert.equal(faultsOnProxies(), 0, 'no fault remains on any proxy');

    const slo = await (await api('/api/v1/slos/checkout-latency')).json() as { evaluation: { windows: Array<{ window: string; burnRate: number | null }> } };
    const burn5m = slo.evaluation.windows.find((w) => w.window === '5m')!.burnRate!;
    assert.ok(burn5m >= 14.4, `checkout-latency 5m burn rate ${burn5m} shows the damage`);
    // RED summaries cover closed 10-second steps: the slow requests show once theirs closes.
    let p99Ms: number | null = null;
    await waitFor('checkout p99 to show the added latency', async () => {
      p99Ms = ((await (await api('/api/v1/services/checkout')).json()) as { p99Ms: number | null }).p99Ms;
      return (p99Ms ?? 0) >= 300 ? true : undefined;
    }, 25_000).catch((err: Error) => { throw new Error(`${err.message} (checkout p99 ${p99Ms} ms)`); });
  });

  it('a global halt in the middle of an experiment removes every fault within 5 s', async () => {
    const started = await api('/api/v1/experiments?mode=run', { method: 'POST', body: experiment('payments-slow', 100, '5m', []) });
    const startedText = await started.text();
    assert.equal(started.status, 202, startedText);
    const { runId } = JSON.parse(startedText) as { runId: string };
    await waitFor('the fault applied', async () => (faultsOnProxies() > 0 ? true : undefined), 15_000);
    const haltedAt = Date.now();
    const halt = await api('/api/v1/chaos/halt', { method: 'POST' });
    assert.equal(halt.status, 200, await halt.text());
    await waitFor('every fault gone', async () => (faultsOnProxies() === 0 ? true : undefined), 5000);
    const tookMs = Date.now() - haltedAt;
    assert.ok(tookMs <= 5000, `faults gone ${tookMs} ms after the halt`);
    const record = await waitFor('the run to record the halt', async () => {
      const r = await (await api(`/api/v1/experiments/${runId}`)).json() as { status: string; haltedBy?: string };
      return r.status !== 'running' && r.status !== 'pending' ? r : undefined;
    }, 10_000);
    assert.ok(record.haltedBy, `the run says who halted it (status ${record.status})`);
    const resumed = await api('/api/v1/chaos/resume', { method: 'POST' });
    assert.equal(resumed.status, 200);
  });
});
