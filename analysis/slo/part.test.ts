import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { scrape, sumSeries } from '../../platform/testing/prom-text.ts';
import type { WebhookPayload } from '../notify/payloads.ts';
import type { SloStatus } from './engine.ts';
import { otelTraffic } from './testing-otel.ts';

// `faultline up` as a child with an SLO directory; spans from the real
// OpenTelemetry SDK; a local webhook receiver; then kill -9 and a restart on
// the same data directory.

const root = new URL('../..', import.meta.url).pathname.replace(/analysis\/$/, '');
const TOKEN = 'slo-test-operator-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'faultline-slo-part-'));
const dataDir = join(dir, 'data');
const sloDir = join(dir, 'slos');
let fl: FaultlineProcess | undefined;
let hookServer: Server;
const hooks: WebhookPayload[] = [];

async function start(): Promise<FaultlineProcess> {
  fl = await startFaultline({
    args: ['--data-dir', dataDir, '--slo-dir', sloDir, '--config', join(dir, 'faultline.yaml')],
    env: { FAULTLINE_OPERATOR_TOKEN: TOKEN },
  });
  return fl;
}

async function slo(api: string, name: string): Promise<SloStatus> {
  const res = await fetch(`${api}/api/v1/slos/${name}`);
  assert.equal(res.status, 200);
  return (await res.json()) as SloStatus;
}

function window(s: SloStatus, w: string) {
  return s.evaluation!.windows.find((x) => x.window === w)!;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  hookServer = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => { hooks.push(JSON.parse(text) as WebhookPayload); res.end(); });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  mkdirSync(sloDir);
  writeFileSync(join(sloDir, 'checkout.yaml'), stringify({
    name: 'checkout-availability', service: 'checkout', objective: 99.9,
    sli: { kind: 'availability' },
    notify: [{ type: 'webhook', name: 'team', url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook` }],
  }));
  writeFileSync(join(dir, 'faultline.yaml'), stringify({ slo: { evaluationIntervalMs: 500, checkpointIntervalMs: 1000 } }));
});

after(async () => {
  await fl?.stop('SIGKILL');
  hookServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SLO part in faultline up', () => {
  it('counts spans from the OpenTelemetry SDK, pages, notifies, serves API, metrics and CLI, and survives kill -9', async () => {
    let p = await start();
    const api = p.addresses.api!;
    const traffic = otelTraffic(p.addresses.otlpHttp!, 'checkout');
    await traffic.send(100, 50);
    await traffic.send(20, 0, 'GET /other');
    await traffic.shutdown();
    // Another service's errors do not count against checkout's SLO.
    const elsewhere = otelTraffic(p.addresses.otlpHttp!, 'elsewhere');
    await elsewhere.send(10, 10);
    await elsewhere.shutdown();

    const status = await until('spans to be counted', async () => {
      const s = await slo(api, 'checkout-availability');
      return s.evaluation && window(s, '5m').total === 120 && s.alerts.some((a) => a.state === 'firing') ? s : undefined;
    });
    assert.equal(window(status, '5m').bad, 50);
    assert.ok(Math.abs(window(status, '5m').burnRate! - (50 / 120) / 0.001) < 1e-6);
    assert.deepEqual(status.alerts.map((a) => `${a.severity}:${a.state}`).sort(), ['page:firing', 'ticket:firing']);

    const page = await until('the page webhook', async () => hooks.find((h) => h.groupLabels.severity === 'page'));
    assert.equal(page.status, 'firing');
    assert.equal(page.alerts[0].labels.slo, 'checkout-availability');
    assert.equal(page.externalURL, api);

    const samples = await scrape(api);
    assert.equal(sumSeries(samples, 'faultline_slo_objective_ratio', { slo: 'checkout-availability' }), 0.999);
    assert.ok(Math.abs(sumSeries(samples, 'faultline_slo_burn_rate', { slo: 'checkout-availability', window: '1h' }) - 50 / 120 / 0.001) < 1e-6);
    assert.equal(sumSeries(samples, 'faultline_slo_alerts_active', { slo: 'checkout-availability', severity: 'page', state: 'firing' }), 1);
    assert.ok(sumSeries(samples, 'faultline_slo_error_budget_remaining_ratio', { slo: 'checkout-availability' }) < 0);

    const alerts = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { alerts: unknown[]; notifications: Array<{ target: string; delivered: number }> };
    assert.equal(alerts.alerts.length, 2);
    assert.ok(alerts.notifications.find((n) => n.target === 'team')!.delivered >= 1);

    // POST: token required, errors name the key, file SLOs are owned by the files.
    const post = (body: unknown, token?: string) => fetch(`${api}/api/v1/slos`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const latency = { name: 'checkout-latency', service: 'checkout', objective: 99, sli: { kind: 'latency', thresholdMs: 300 } };
    assert.equal((await post(latency)).status, 401);
    const bad = await post({ ...latency, sli: { kind: 'latency', thresholdMs: 333 } }, TOKEN);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /sli\.thresholdMs: 333 is not a duration bucket edge/);
    assert.equal((await post({ ...latency, name: 'checkout-availability' }, TOKEN)).status, 409);
    assert.equal((await post(latency, TOKEN)).status, 201);
    assert.equal((await post(latency, TOKEN)).status, 200);

    const cli = spawnSync(process.execPath, ['bin/faultline.mjs', 'slo', 'status', '--api', api], { cwd: root, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /^SLO\s+SERVICE\s+OBJECTIVE\s+BUDGET LEFT\s+BURN 5m/);
    assert.match(cli.stdout, /checkout-availability\s+checkout\s+99\.9% \/ 30d\s+-41566\.7%\s+417x\s+417x/);
    assert.match(cli.stdout, /CheckoutAvailabilityBudgetBurn\s+checkout-availability\s+page\s+firing/);

    // Wait for a checkpoint taken after the traffic, then kill -9 and restart on the same data dir.
    // The CLI run above can outlast the server's keep-alive timeout; a pooled
    // connection closed under a new request fails once, so scrapes retry once.
    const checkpoints = async () => sumSeries(await scrape(api).catch(() => scrape(api)), 'faultline_slo_checkpoints_total', { outcome: 'saved' });
    const saved = await checkpoints();
    await until('two more checkpoints', async () => ((await checkpoints()) >= saved + 2 ? true : undefined));
    const hooksBefore = hooks.length;
    const killed = await p.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');

    p = await start();
    const api2 = p.addresses.api!;
    const restored = await slo(api2, 'checkout-availability');
    assert.equal(window(restored, '5m').total, 120);
    assert.equal(window(restored, '5m').bad, 50);
    assert.deepEqual(restored.alerts.map((a) => `${a.severity}:${a.state}`).sort(), ['page:firing', 'ticket:firing']);
    assert.equal((await slo(api2, 'checkout-latency')).name, 'checkout-latency');
    const del = (name: string, token?: string) => fetch(`${api2}/api/v1/slos/${name}`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });
    assert.equal((await del('checkout-latency')).status, 401);
    assert.equal((await del('checkout-availability', TOKEN)).status, 409);
    assert.equal((await del('checkout-latency', TOKEN)).status, 200);
    assert.equal((await del('checkout-latency', TOKEN)).status, 404);
    assert.equal((await fetch(`${api2}/api/v1/slos/checkout-latency`)).status, 404);
    // Still firing, not raised again: no new notification after the restart.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(hooks.length, hooksBefore);
  });
});
