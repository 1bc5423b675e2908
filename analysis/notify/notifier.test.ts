import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { silentLogger } from '../../platform/logger.ts';
import { freePort } from '../../platform/net.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { SloEngine } from '../slo/engine.ts';
import { notifyConfigSchema } from '../slo/config.ts';
import { registerSloMetrics } from '../slo/self-metrics.ts';
import { availabilitySpec, fakeClock } from '../slo/testing.ts';
import { Notifier } from './notifier.ts';
import type { PostableAlert, WebhookPayload } from './payloads.ts';

interface Received { path: string; body: unknown }

async function httpServer(respond: (n: number) => number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.statusCode = respond(n++);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let redis: TestRedis;
const servers: Server[] = [];
let notifier: Notifier | undefined;
before(async () => { redis = await startTestRedis(); });
after(async () => {
  await notifier?.close();
  for (const s of servers) s.close();
  await redis.stop();
});

describe('Notifier (BullMQ on a real redis-server, real HTTP targets)', () => {
  it('retries with backoff until a flaky target takes it, gives up on a dead one, and reports both', async () => {
    const flaky = await httpServer((n) => (n < 2 ? 500 : 200));
    const am = await httpServer(() => 200);
    servers.push(flaky.server, am.server);
    const dead = `http://127.0.0.1:${await freePort()}/hook`;

    const T0 = 1_800_000_000_000;
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(availabilitySpec({ labels: { team: 'payments' } }));
    for (let t = T0 + 10_000; t <= T0 + 2 * 60_000; t += 10_000) {
      engine.record('checkout-availability', t - 1, 100, 100);
      clock.set(t);
      engine.evaluate();
    }
    const page = engine.alerts.activeAlerts().find((a) => a.severity === 'page' && a.state === 'firing')!;
    assert.ok(page);

    const registry = new Registry();
    const metrics = registerSloMetrics(registry, engine);
    notifier = new Notifier({
      redisUrl: redis.url, queueName: 'test-notify', logger: silentLogger(), now: clock.now,
      config: notifyConfigSchema.parse({ attempts: 3, backoffMs: 50, requestTimeoutMs: 2000 }),
      externalUrl: () => 'http://faultline.test:7070', counter: metrics.notifications, enqueueErrors: metrics.enqueueErrors,
    });
    notifier.notify([page], [
      { type: 'webhook', name: 'flaky', url: `${flaky.url}/hook` },
      { type: 'webhook', name: 'dead', url: dead },
      { type: 'alertmanager', url: am.url },
    ]);
    // notify() only queues: nothing has been sent when it returns.
    assert.equal(flaky.received.length + am.received.length, 0);

    await until('deliveries to settle', () => {
      const s = Object.fromEntries(notifier!.status().map((x) => [x.target, x]));
      return s.flaky?.delivered === 1 && s.dead?.failed === 1 && s[`alertmanager:${am.url}`]?.delivered === 1;
    });
    const status = Object.fromEntries(notifier.status().map((x) => [x.target, x]));
    assert.equal(status.flaky.retried, 2);
    assert.equal(status.dead.retried, 2);
    assert.match(status.dead.lastError!, /fetch failed|ECONNREFUSED/);
    assert.equal(flaky.received.length, 3);

    const hook = flaky.received[2].body as WebhookPayload;
    assert.equal(hook.version, '4');
    assert.equal(hook.status, 'firing');
    assert.equal(hook.receiver, 'flaky');
    assert.equal(hook.externalURL, 'http://faultline.test:7070');
    assert.deepEqual(hook.groupLabels, { alertname: 'CheckoutAvailabilityBudgetBurn', slo: 'checkout-availability', severity: 'page' });
    assert.equal(hook.groupKey, '{}:{alertname="CheckoutAvailabilityBudgetBurn", severity="page", slo="checkout-availability"}');
    assert.deepEqual(hook.commonLabels, { team: 'payments', alertname: 'CheckoutAvailabilityBudgetBurn', slo: 'checkout-availability', service: 'checkout', severity: 'page' });
    assert.equal(hook.alerts.length, 1);
    assert.deepEqual(Object.keys(hook.alerts[0]).sort(), ['annotations', 'endsAt', 'fingerprint', 'generatorURL', 'labels', 'startsAt', 'status']);
    assert.equal(hook.alerts[0].endsAt, '0001-01-01T00:00:00Z');
    assert.equal(hook.alerts[0].startsAt, new Date(page.startsAtMs!).toISOString());
    assert.equal(hook.alerts[0].generatorURL, 'http://faultline.test:7070/api/v1/slos/checkout-availability');

    assert.equal(am.received[0].path, '/api/v2/alerts');
    const postable = am.received[0].body as PostableAlert[];
    assert.equal(postable.length, 1);
    assert.equal(postable[0].labels.severity, 'page');
    // Valid for 4 resend intervals unless re-sent.
    assert.equal(postable[0].endsAt, new Date(clock.now() + 4 * 60_000).toISOString());

    const text = await registry.metrics();
    assert.match(text, /faultline_slo_notifications_total\{target="dead",outcome="failed"\} 1/);
    assert.match(text, /faultline_slo_notifications_total\{target="flaky",outcome="retried"\} 2/);
    assert.match(text, /faultline_slo_notifications_total\{target="flaky",outcome="delivered"\} 1/);
  });
});
