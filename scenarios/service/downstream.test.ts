import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../platform/net.ts';
import { Downstream } from './downstream.ts';

describe('Downstream', () => {
  const servers: http.Server[] = [];
  const addresses: string[] = [];
  const hits = new Map<string, number>();

  before(async () => {
    for (let i = 0; i < 2; i++) {
      const server = http.createServer((req, res) => {
        const key = `${i}`;
        hits.set(key, (hits.get(key) ?? 0) + 1);
        res.writeHead(req.url === '/fail' ? 503 : 200).end('ok');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      addresses.push(`127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    // A third instance that is down: nothing listens on its port.
    addresses.splice(1, 0, `127.0.0.1:${await freePort()}`);
  });
  after(() => { for (const s of servers) s.close(); });

  const resilience = (max: number, circuitBreaker?: { failureThreshold: number; openMs: number }) =>
    ({ timeoutMs: 1000, retries: { max, backoffMs: 1 }, circuitBreaker });

  it('without retries, the calls round-robin onto the dead instance fail', async () => {
    const d = new Downstream(http, { svc: addresses }, resilience(0));
    const results = await Promise.all(Array.from({ length: 30 }, () => d.call('svc', '/')));
    d.close();
    assert.equal(results.filter((r) => !r.ok).length, 10);
  });

  it('retries go to another instance, so one dead instance of three costs nothing', async () => {
    const d = new Downstream(http, { svc: addresses }, resilience(2));
    const results = await Promise.all(Array.from({ length: 30 }, () => d.call('svc', '/')));
    d.close();
    assert.deepEqual(results.filter((r) => !r.ok), []);
  });

  it('5xx answers are failures, and an open circuit fails fast without calling', async () => {
    const d = new Downstream(http, { svc: [addresses[0]] }, resilience(0, { failureThreshold: 2, openMs: 60_000 }));
    const before = hits.get('0') ?? 0;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await d.call('svc', '/fail'));
    d.close();
    assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.reason)), ['HTTP 503', 'HTTP 503', 'circuit to svc is open', 'circuit to svc is open']);
    assert.equal((hits.get('0') ?? 0) - before, 2);
  });
});
