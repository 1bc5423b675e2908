import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliToken } from '../../platform/auth/tokens.ts';
import { silentLogger } from '../../platform/logger.ts';
import { startScenario, type RunningScenario } from '../runner/runner.ts';
import { paymentsChain } from './payments-chain.ts';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';

// Latency injected on payments by an experiment: the anomaly detectors of a
// running platform flag the latency of payments and of its callers, rank
// payments as the origin, and name the experiment. One-second series steps
// and a short detector warm-up make this fit in a test.

const scenario = paymentsChain('origin', 30);

interface AnomalyEvent { service: string; signal: string; startMs: number; origin: Array<{ service: string }>; experiments: string[] }

const WARMUP_POINTS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('anomaly origin on a running platform', () => {
  let faultline: FaultlineProcess | undefined;
  let run: RunningScenario | undefined;
  let token: string | undefined;
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => fetch(`${faultline!.addresses.api}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

  before(async () => {
    faultline = await startFaultline({
      config: {
        analysis: { series: { stepMs: 1000 } },
        anomaly: { signals: ['latency_p95_ms', 'latency_p99_ms'], detector: { warmupPoints: WARMUP_POINTS } },
      },
    });
    token = cliToken(undefined, faultline.dataDir);
    run = await startScenario(scenario, {
      collectorUrl: faultline.addresses.otlpHttp!, redisUrl: faultline.addresses.redis!, traceExportDelayMs: 200,
      stateDir: join(faultline.dataDir, 'agent'),
    }, silentLogger());
  });

  after(async () => {
    await run?.stop();
    await faultline?.stop();
  });

  it('latency +300 ms on payments: payments is flagged as the origin within 30 s, with the experiment named', async () => {
    // The detectors learn the steady state first: wait until payments' p99
    // series holds more points than the warm-up (start-up is slow on a busy
    // machine, and a fault during the warm-up would be learnt as normal).
    const warmedBy = Date.now() + 90_000;
    for (;;) {
      const res = await api('/api/v1/series?service=payments&signal=latency_p99_ms&since=5m');
      const body = res.ok ? ((await res.json()) as { series: Array<{ key: { operation?: string; edge?: unknown; instance?: string }; points: Array<[number, number | null]> }> }) : { series: [] };
      const points = body.series.find((s) => !s.key.operation && !s.key.edge && !s.key.instance)?.points.filter(([, v]) => v !== null).length ?? 0;
      if (points >= WARMUP_POINTS + 5) break;
      assert.ok(Date.now() < warmedBy, `payments p99 series warmed up within 90 s (has ${points} points)`);
      await sleep(1000);
    }
    const started = await api('/api/v1/experiments?mode=run', {
      method: 'POST',
      body: {
        apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'payments-latency' },
        spec: { targets: { service: 'payments', selection: { mode: 'one' } }, fault: { type: 'latency', latencyMs: 300 }, duration: '1m', checkInterval: '1s' },
      },
    });
    const text = await started.text();
    assert.equal(started.status, 202, text);
    // The clock starts when the fault is in place on a payments proxy.
    const requestedAt = Date.now();
    while ([...run!.proxies.values()].every((p) => p.faults().length === 0)) {
      assert.ok(Date.now() - requestedAt < 15_000, 'the experiment applied its fault within 15 s');
      await sleep(100);
    }
    const faultAt = Date.now();
    let events: AnomalyEvent[] = [];
    const deadline = faultAt + 30_000;
    let flagged: AnomalyEvent | undefined;
    while (!flagged && Date.now() < deadline) {
      await sleep(500);
      events = ((await (await api(`/api/v1/anomalies?since=${faultAt - 5000}`)).json()) as { events: AnomalyEvent[] }).events;
      flagged = events.find((e) => e.signal.startsWith('latency_p9') && e.origin[0]?.service === 'payments' && e.experiments.includes('payments-latency'));
    }
    const seen = events.map((e) => `${e.service}/${e.signal} origin ${e.origin.map((o) => o.service).join('>')} experiments ${e.experiments.join(',')}`);
    if (!flagged) {
      // What the detectors saw, for whoever reads a failure.
      let points = '';
      for (const service of ['payments', 'checkout']) {
        const res = await api(`/api/v1/series?service=${service}&signal=latency_p99_ms&since=${faultAt - 40_000}`);
        for (const x of ((await res.json()) as { series: Array<{ key: Record<string, unknown>; points: Array<[number, number]> }> }).series) {
          if (x.key.operation || x.key.instance) continue;
          points += `\n${JSON.stringify(x.key)}: ${x.points.map(([t, v]) => `${Math.round((t - faultAt) / 1000)}s:${Math.round(v)}`).join(' ')}`;
        }
      }
      const metrics = (await (await api('/metrics')).text()).split('\n').filter((l) => l.startsWith('faultline_anomaly_') && !l.startsWith('faultline_anomaly_score')).join('; ');
      assert.fail(`no anomaly with payments as its likeliest origin and the experiment named within 30 s; events: ${seen.join('; ')}; p99 series (s from the fault: ms): ${points}\n ${metrics}`);
    }
    assert.ok(flagged.startMs - faultAt < 30_000);
    const halt = await api('/api/v1/chaos/halt', { method: 'POST' });
    assert.equal(halt.status, 200);
    await api('/api/v1/chaos/resume', { method: 'POST' });
  });
});
