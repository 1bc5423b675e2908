import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createApiServer } from '../../platform/api/server.ts';
import { silentLogger } from '../../platform/logger.ts';
import { analysisConfigSchema } from '../config.ts';
import { AnalysisEngine } from '../engine.ts';
import { toBatch } from '../testdata-traces.ts';
import { registerAnalysisRoutes, type UseProvider } from './routes.ts';

const START_MS = 1_700_000_000_000;

function setup(use?: UseProvider) {
  const clock = { nowMs: START_MS };
  const engine = new AnalysisEngine(analysisConfigSchema.parse({}), () => clock.nowMs);
  const api = createApiServer(new Registry(), silentLogger());
  registerAnalysisRoutes(api.app, { engine, now: () => clock.nowMs, use: () => use });
  engine.consumeTraces(toBatch([
    { service: 'web', instance: 'w1', spans: [
      { trace: 'a', id: 'r', name: 'GET /', kind: 'server', durationMs: 30 },
      { trace: 'a', id: 'c', parent: 'r', name: 'GET /items', kind: 'client', durationMs: 20 },
    ] },
    { service: 'api', spans: [{ trace: 'a', id: 's', parent: 'c', name: 'GET /items', kind: 'server', durationMs: 10, attributes: { 'http.response.status_code': 503 } }] },
  ]));
  clock.nowMs += 10_000;
  engine.tick();
  const get = async (path: string) => {
    const res = await api.app.request(path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { get };
}

describe('analysis API', () => {
  it('GET /api/v1/services lists every service with RED figures', async () => {
    const { get } = setup();
    const { status, body } = await get('/api/v1/services');
    assert.equal(status, 200);
    const services = body.services as Array<Record<string, unknown>>;
    assert.deepEqual(services.map((s) => [s.name, s.requests, s.errors, s.rateRps, s.errorRatio]), [['api', 1, 1, 0.1, 1], ['web', 1, 0, 0.1, 0]]);
  });

  it('GET /api/v1/services/:name has operations, instances and USE when the USE part provides it', async () => {
    const { get } = setup({ forService: (name) => ({ service: name, cpuUtilization: 0.5 }), services: () => [] });
    const { status, body } = await get('/api/v1/services/web');
    assert.equal(status, 200);
    assert.deepEqual((body.operations as Array<{ name: string }>).map((o) => o.name), ['GET /']);
    assert.deepEqual((body.instances as Array<{ id: string }>).map((i) => i.id), ['w1']);
    assert.deepEqual(body.use, { service: 'web', cpuUtilization: 0.5 });
    assert.equal((await setup().get('/api/v1/services/web')).body.use, null);
  });

  it('GET /api/v1/services(/:name) answers for a service that sends only metrics (USE, no spans)', async () => {
    const instance = { service: 'db-exporter', instance: 'd1', lastSeenMs: START_MS, utilization: { cpu_utilization: 0.2 }, saturation: {}, errors: {} };
    const { get } = setup({ forService: (name) => (name === 'db-exporter' ? [instance] : []), services: () => ['db-exporter', 'web'] });
    const list = (await get('/api/v1/services')).body.services as Array<Record<string, unknown>>;
    assert.deepEqual(list.map((s) => [s.name, s.requests, s.instances]), [['api', 1, 0], ['db-exporter', 0, 1], ['web', 1, 1]]);
    const { status, body } = await get('/api/v1/services/db-exporter');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      name: 'db-exporter', requests: 0, errors: 0, rateRps: null, errorRatio: null, p50Ms: null, p95Ms: null, p99Ms: null,
      instances: [], lastSeenMs: START_MS, operations: [], use: [instance],
    });
    assert.equal((await get('/api/v1/services/nope')).status, 404);
  });

  it('GET /api/v1/service-graph has nodes, edges and graph facts', async () => {
    const { get } = setup();
    const { body } = await get('/api/v1/service-graph');
    const edges = body.edges as Array<Record<string, unknown>>;
    assert.deepEqual(edges.map((e) => [e.client, e.server, e.connectionType, e.requests, e.errors]).sort(), [
      ['user', 'web', 'virtual_node', 1, 0],
      ['web', 'api', '', 1, 1],
    ]);
    assert.deepEqual(body.cycles, []);
    assert.ok(Array.isArray(body.mostDependedOn) && Array.isArray(body.fanOut));
  });

  it('GET /api/v1/series returns the points of the matching series', async () => {
    const { get } = setup();
    const { status, body } = await get('/api/v1/series?service=api&signal=error_ratio&since=1h');
    assert.equal(status, 200);
    const series = body.series as Array<{ key: Record<string, unknown>; points: Array<[number, number]> }>;
    const byKey = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    assert.deepEqual(series.map((s) => [s.key, s.points]).sort(byKey), [
      [{ service: 'api', signal: 'error_ratio' }, [[START_MS, 1]]],
      [{ service: 'api', signal: 'error_ratio', operation: 'GET /items' }, [[START_MS, 1]]],
    ].sort(byKey));
    const edge = await get('/api/v1/series?service=web&signal=rate_rps&client=web&server=api');
    assert.deepEqual((edge.body.series as Array<{ points: unknown }>).map((s) => s.points), [[[START_MS, 0.1]]]);
  });

  const errors: Array<[string, string, number, RegExp]> = [
    ['unknown service', '/api/v1/services/nope', 404, /unknown service "nope"/],
    ['series of an unknown service', '/api/v1/series?service=nope', 404, /unknown service "nope"/],
    ['series without service', '/api/v1/series?signal=rate_rps', 400, /^service: required/],
    ['bad since', '/api/v1/series?service=api&since=yesterday', 400, /^since: expected/],
    ['bad signal', '/api/v1/series?service=api&signal=Rate%20RPS', 400, /^signal: expected/],
    ['unknown signal', '/api/v1/series?service=api&signal=latency_p90_ms', 400, /^signal: unknown "latency_p90_ms", expected one of rate_rps, .*latency_p99_ms, cpu_utilization/],
    ['half an edge', '/api/v1/series?service=web&client=web', 400, /client and server/],
  ];
  for (const [name, path, status, message] of errors) {
    it(`answers ${status} for ${name}`, async () => {
      const res = await setup().get(path);
      assert.equal(res.status, status);
      assert.match(String(res.body.error), message);
    });
  }
});
