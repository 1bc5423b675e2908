import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { evaluateAbortConditions, evaluateCheck, type SteadyStateSources } from './checks.ts';
import { checkSchema } from './spec.ts';

// Fixed values stand in for the engines' figures (they are plain numbers
// there too); the probe goes to a real HTTP server.
const sources = (signal: number | null | undefined, burn: number | null | undefined, firing: boolean | 'unknown SLO' = false): SteadyStateSources => ({
  sloBurnRate: () => burn,
  sloAlertFiring: () => (firing === 'unknown SLO' ? undefined : firing),
  signal: () => signal,
});

describe('evaluateCheck', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const cases: Array<[string, unknown, SteadyStateSources, { holds: boolean; value: number | null; error?: RegExp; noData?: true }]> = [
    ['burn below the maximum', { sloBurnRate: { slo: 's', maxBurnRate: 2 } }, sources(null, 1.5), { holds: true, value: 1.5 }],
    ['burn at the maximum', { sloBurnRate: { slo: 's', maxBurnRate: 2 } }, sources(null, 2), { holds: false, value: 2 }],
    ['SLO without events holds, saying so', { sloBurnRate: { slo: 's', maxBurnRate: 2 } }, sources(null, null), { holds: true, value: null, error: /no events/, noData: true }],
    ['unknown SLO', { sloBurnRate: { slo: 's', maxBurnRate: 2 } }, sources(null, undefined), { holds: false, value: null, error: /unknown SLO s/ }],
    ['signal inside both bounds', { signal: { service: 'a', signal: 'rate_rps', above: 1, below: 50 } }, sources(20, null), { holds: true, value: 20 }],
    ['signal above the upper bound', { signal: { service: 'a', signal: 'latency_p99_ms', below: 300 } }, sources(450, null), { holds: false, value: 450 }],
    ['upper bound without data in the window holds, saying so', { signal: { service: 'a', signal: 'error_ratio', below: 0.01 } }, sources(null, null), { holds: true, value: null, error: /no data in the window/, noData: true }],
    ['lower bound without data does not hold', { signal: { service: 'a', signal: 'rate_rps', above: 1 } }, sources(null, null), { holds: false, value: null, error: /no data/, noData: true }],
    // Behind a load balancer the service's spans may go to another Faultline: the guard would be blind.
    ['upper bound on a service this process never received spans of does not hold', { signal: { service: 'a', signal: 'error_ratio', below: 0.01 } }, sources(undefined, null),
      { holds: false, value: null, error: /no data: this process has received no spans of service a/, noData: true }],
  ];
  for (const [name, check, src, want] of cases) {
    it(name, async () => {
      const r = await evaluateCheck(checkSchema.parse(check), src);
      assert.equal(r.holds, want.holds);
      assert.equal(r.value, want.value);
      if (want.error) assert.match(r.error ?? '', want.error);
      assert.equal(r.noData, want.noData);
    });
  }

  it('an HTTP probe measures the status, and a refused connection does not hold', async () => {
    const ok = await evaluateCheck(checkSchema.parse({ httpProbe: { url: `${base}/healthz` } }), sources(null, null));
    assert.deepEqual([ok.holds, ok.value], [true, 200]);
    const bad = await evaluateCheck(checkSchema.parse({ httpProbe: { url: `${base}/other` } }), sources(null, null));
    assert.deepEqual([bad.holds, bad.value], [false, 503]);
    const down = await evaluateCheck(checkSchema.parse({ httpProbe: { url: 'http://127.0.0.1:1/', timeoutMs: 500 } }), sources(null, null));
    assert.deepEqual([down.holds, down.value], [false, null]);
    assert.ok(down.error);
  });

  it('a probe whose answer stalls after the headers does not hold once timeoutMs is over', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('x');
    });
    await new Promise<void>((r) => stalling.listen(0, '127.0.0.1', r));
    try {
      const started = Date.now();
      const r = await evaluateCheck(checkSchema.parse({ httpProbe: { url: `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/`, timeoutMs: 300 } }), sources(null, null));
      assert.equal(r.holds, false);
      assert.ok(Date.now() - started < 1300 + 500, `took ${Date.now() - started} ms`);
    } finally {
      stalling.closeAllConnections();
      await new Promise<void>((r) => stalling.close(() => r()));
    }
  });

  it('abort conditions: a firing alert and an unknown SLO both stop a run; a quiet SLO does not', async () => {
    const abort = { sloAlerts: [{ slo: 'checkout', severity: 'page' as const }], checks: [] };
    const quiet = await evaluateAbortConditions(abort, sources(null, null, false));
    assert.deepEqual(quiet, [{ check: 'no page alert on SLO checkout', value: 0, holds: true }]);
    const [firing] = await evaluateAbortConditions(abort, sources(null, null, true));
    assert.deepEqual([firing.holds, firing.value, firing.error], [false, 1, 'a page alert is firing']);
    const [unknown] = await evaluateAbortConditions(abort, sources(null, null, 'unknown SLO'));
    assert.deepEqual([unknown.holds, unknown.error], [false, 'unknown SLO checkout']);
  });
});
