import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisConfigSchema } from './config.ts';
import { AnalysisEngine } from './engine.ts';
import type { SeriesKey } from './series/series-key.ts';
import { toBatch, type GoldenSpan } from './testdata-traces.ts';

const START_MS = 1_700_000_000_000; // a step boundary
const config = analysisConfigSchema.parse({ durationBucketsMs: [10, 100, 1000] });

function setup() {
  const clock = { nowMs: START_MS };
  const engine = new AnalysisEngine(config, () => clock.nowMs);
  const points: Array<[SeriesKey, number, number]> = [];
  engine.series.onStep((k, at, v) => points.push([k, at, v]));
  return { clock, engine, points };
}

let nextId = 0;
/** One call web -> api: a client span in web and its server span in api. */
function call(durationMs: number, status: 'unset' | 'error' = 'unset'): Parameters<typeof toBatch>[0] {
  const trace = `t${++nextId}`;
  const spans = (kind: 'client' | 'server', id: string, parent: string): GoldenSpan => ({ trace, id, parent, name: 'GET /items', kind, durationMs, status });
  return [
    { service: 'web', instance: 'web-1', spans: [spans('client', `c${nextId}`, `r${nextId}`)] },
    { service: 'api', instance: `api-${nextId % 2}`, spans: [spans('server', `s${nextId}`, `c${nextId}`)] },
  ];
}

describe('AnalysisEngine', () => {
  it('closes a step into rate, error ratio and percentile points per service, operation and edge', () => {
    const { clock, engine, points } = setup();
    // 10 calls in the first step: 8 of 50 ms, 2 errors of 500 ms.
    for (let i = 0; i < 8; i++) engine.consumeTraces(toBatch(call(50)));
    for (let i = 0; i < 2; i++) engine.consumeTraces(toBatch(call(500, 'error')));
    clock.nowMs += 9_999;
    engine.tick();
    assert.equal(points.length, 0, 'no point before the step ends');
    clock.nowMs += 1;
    engine.tick();
    const value = (filter: Partial<SeriesKey>) => {
      const found = points.filter(([k]) => Object.entries(filter).every(([f, v]) => JSON.stringify(k[f as keyof SeriesKey]) === JSON.stringify(v)));
      assert.equal(found.length, 1, `one point for ${JSON.stringify(filter)}, got ${found.length}`);
      assert.equal(found[0][1], START_MS);
      return found[0][2];
    };
    const service = { service: 'api', operation: undefined, edge: undefined };
    assert.equal(value({ ...service, signal: 'rate_rps' }), 1);
    assert.equal(value({ ...service, signal: 'error_ratio' }), 0.2);
    // 8 of 10 in (10, 100]: p50 rank 5 -> 10 + 90 * 5/8; p95 rank 9.5 in (100, 1000]: 100 + 900 * 1.5/2.
    assert.equal(value({ ...service, signal: 'latency_p50_ms' }), 10 + 90 * (5 / 8));
    assert.equal(value({ ...service, signal: 'latency_p95_ms' }), 100 + 900 * (1.5 / 2));
    assert.equal(value({ service: 'api', operation: 'GET /items', signal: 'rate_rps' }), 1);
    assert.equal(value({ edge: { client: 'web', server: 'api' }, signal: 'error_ratio' }), 0.2);
    assert.equal(points.filter(([k]) => k.service === 'web' && !k.edge).length, 0, 'client spans are not requests web served');

    // A quiet step records rate 0 and nothing else.
    points.length = 0;
    clock.nowMs += 10_000;
    engine.tick();
    assert.deepEqual(points.filter(([k]) => k.service === 'api' && !k.operation).map(([k, , v]) => [k.signal, v]), [['rate_rps', 0]]);
    assert.equal(engine.series.query({ service: 'api', signal: 'rate_rps', operation: 'GET /items' }, 0)[0].points.length, 2);
  });

  it('summarises services, instances, operations and the graph for the API', () => {
    const { clock, engine } = setup();
    for (let i = 0; i < 6; i++) engine.consumeTraces(toBatch(call(50)));
    engine.consumeTraces(toBatch([{ service: 'web', spans: [{ trace: 'root', id: 'r', name: 'GET /', kind: 'server', durationMs: 80 }] }]));
    clock.nowMs += 10_000;
    engine.tick();
    const services = engine.services();
    assert.deepEqual(services.map((s) => [s.name, s.requests, s.instances]), [['api', 6, 2], ['web', 1, 1]]);
    const api = engine.service('api')!;
    assert.deepEqual(api.instanceList.map((i) => [i.id, i.spans]), [['api-0', 3], ['api-1', 3]]);
    assert.deepEqual(api.operations.map((o) => [o.name, o.requests, o.rateRps]), [['GET /items', 6, 0.6]]);
    assert.equal(engine.service('nope'), undefined);
    const graph = engine.graph();
    assert.deepEqual(graph.nodes.map((n) => [n.name, n.kind]), [['api', 'service'], ['user', 'user'], ['web', 'service']]);
    assert.deepEqual(graph.edges.map((e) => [e.client, e.server, e.connectionType, e.requests, e.rateRps]).sort(), [
      ['user', 'web', 'virtual_node', 1, 0.1],
      ['web', 'api', '', 6, 0.6],
    ]);
    assert.deepEqual(graph.mostDependedOn, [{ node: 'api', callers: 1 }, { node: 'web', callers: 1 }]);
  });

  it('a late tick closes every step it missed, the missed ones quiet', () => {
    const { clock, engine, points } = setup();
    for (let i = 0; i < 10; i++) engine.consumeTraces(toBatch(call(5)));
    clock.nowMs += 35_000;
    engine.tick();
    const rates = points.filter(([k]) => k.service === 'api' && !k.operation && k.signal === 'rate_rps').map(([, at, v]) => [at - START_MS, v]);
    assert.deepEqual(rates, [[0, 1], [10_000, 0], [20_000, 0]]);
  });

  it('forgets services idle past the expiry', () => {
    const { clock, engine } = setup();
    engine.consumeTraces(toBatch(call(5)));
    clock.nowMs += config.series.idleExpiryMs + 10_000;
    engine.tick();
    assert.deepEqual(engine.services(), []);
  });
});
