import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { Hono } from 'hono';
import type { TraceBatch } from '../../model/trace.ts';
import { silentLogger } from '../../platform/logger.ts';
import { RecentTraceStore } from '../traces/trace-store.ts';
import { registerJaegerRoutes } from './routes.ts';

const testdata = new URL('./testdata/', import.meta.url);
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const NOW_MS = 1_700_000_060_000; // a minute after the golden trace

describe('Jaeger query API over the recent-trace store', () => {
  const app = new Hono();
  before(() => {
    const store = new RecentTraceStore({ maxSpans: 1000, maxAgeMs: 3_600_000, maxSpansPerTrace: 100, now: () => NOW_MS });
    store.consume(JSON.parse(readFileSync(new URL('trace.input.json', testdata), 'utf8')) as TraceBatch);
    registerJaegerRoutes(app, '/jaeger', {
      store, now: () => NOW_MS, lookbackMs: 3_600_000, searchLimit: 100, dependenciesLookbackMs: 3_600_000, logger: silentLogger(),
    });
  });

  async function get(path: string): Promise<{ status: number; body: any }> {
    const res = await app.request(path);
    return { status: res.status, body: await res.json() };
  }

  it('GET /traces/:id answers the golden Jaeger JSON', async () => {
    const { status, body } = await get(`/jaeger/api/traces/${TRACE_ID}`);
    assert.equal(status, 200);
    const goldenUrl = new URL('trace.golden.json', testdata);
    const text = `${JSON.stringify(body, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenUrl, text);
    assert.equal(text, readFileSync(goldenUrl, 'utf8'));
  });

  it('lists services and operations', async () => {
    assert.deepEqual((await get('/jaeger/api/services')).body, { data: ['frontend', 'payments'], total: 2, limit: 0, offset: 0, errors: null });
    assert.deepEqual((await get('/jaeger/api/services/frontend/operations')).body.data, ['GET /checkout', 'POST']);
    assert.deepEqual((await get('/jaeger/api/services/unknown/operations')).body.data, []);
    assert.deepEqual((await get('/jaeger/api/operations?service=frontend&spanKind=client')).body.data, [{ name: 'POST', spanKind: 'client' }]);
    assert.deepEqual((await get('/jaeger/api/operations?service=frontend')).body.total, 2);
  });

  const searches: Array<[string, string, number]> = [
    ['by service', 'service=payments', 1],
    ['by operation', 'service=payments&operation=POST%20%2Fpay', 1],
    ['by unknown operation', 'service=payments&operation=GET', 0],
    ['by JSON tags', `service=payments&tags=${encodeURIComponent('{"error":"true"}')}`, 1],
    ['by logfmt tags', `service=payments&tags=${encodeURIComponent('http.response.status_code=502 otel.status_code=ERROR')}`, 1],
    ['by event attribute', `service=payments&tags=${encodeURIComponent('exception.type="CardError"')}`, 1],
    ['by resource attribute', `service=frontend&tags=${encodeURIComponent('{"host.name":"web-1"}')}`, 1],
    ['by tag=k:v', 'service=frontend&tag=span.kind:client', 1],
    ['by non-matching tag', `service=frontend&tags=${encodeURIComponent('{"error":"true"}')}`, 0],
    ['by minDuration', 'service=frontend&minDuration=110ms', 1],
    ['by too large minDuration', 'service=frontend&minDuration=1.5s', 0],
    ['by maxDuration', 'service=payments&maxDuration=50ms', 0],
    ['inside start/end (µs)', `service=payments&start=${1_700_000_000_000_000}&end=${1_700_000_001_000_000}`, 1],
    ['outside start/end', `service=payments&start=${1_700_000_001_000_000}&end=${1_700_000_002_000_000}`, 0],
    ['within lookback', 'service=payments&lookback=2m', 1],
    ['outside lookback', 'service=payments&lookback=30s', 0],
    ['unknown service', 'service=nobody', 0],
    ['by traceID list', `traceID=${TRACE_ID}`, 1],
  ];
  for (const [name, query, count] of searches) {
    it(`searches traces ${name}`, async () => {
      const { status, body } = await get(`/jaeger/api/traces?${query}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.data.length, count);
      if (count > 0) assert.equal(body.data[0].traceID, TRACE_ID);
    });
  }

  it('answers searches at /api/traces too, for Grafana releases that drop the data source path', async () => {
    const { status, body } = await get('/api/traces?service=payments');
    assert.equal(status, 200);
    assert.equal(body.data[0].traceID, TRACE_ID);
  });

  const badRequests: Array<[string, RegExp]> = [
    ['/jaeger/api/traces', /parameter 'service' is required/],
    ['/jaeger/api/traces?service=a&minDuration=fast', /param 'minDuration'/],
    ['/jaeger/api/traces?service=a&minDuration=2s&maxDuration=1s', /'maxDuration' should be greater than 'minDuration'/],
    ['/jaeger/api/traces?service=a&limit=ten', /param 'limit'/],
    ['/jaeger/api/traces?service=a&start=yesterday', /param 'start'/],
    ['/jaeger/api/traces?service=a&tags=%7Bnot-json', /malformed 'tags' parameter/],
    ['/jaeger/api/traces?service=a&tag=nocolon', /malformed 'tag' parameter/],
    ['/jaeger/api/traces/not-hex', /cannot parse traceID/],
    ['/jaeger/api/operations', /parameter 'service' is required/],
    ['/jaeger/api/operations?service=a&spanKind=sideways', /unsupported span kind/],
    ['/jaeger/api/dependencies?endTs=soon', /param 'endTs'/],
  ];
  for (const [path, msg] of badRequests) {
    it(`answers 400 with a Jaeger error for ${path}`, async () => {
      const { status, body } = await get(path);
      assert.equal(status, 400);
      assert.equal(body.data, null);
      assert.equal(body.errors[0].code, 400);
      assert.match(body.errors[0].msg, msg);
    });
  }

  it('answers 404 with a Jaeger error for an unknown trace ID, and lists it in a traceID search', async () => {
    const { status, body } = await get('/jaeger/api/traces/0af7651916cd43dd8448eb211c80319c');
    assert.equal(status, 404);
    assert.deepEqual(body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] });
    const search = await get(`/jaeger/api/traces?traceID=${TRACE_ID}&traceID=abc`);
    assert.equal(search.body.data.length, 1);
    assert.deepEqual(search.body.errors, [{ msg: 'trace not found', traceID: '00000000000000000000000000000abc' }]);
  });

  it('derives service dependencies from parent/child spans', async () => {
    const { body } = await get(`/jaeger/api/dependencies?endTs=${NOW_MS}&lookback=3600000`);
    assert.deepEqual(body.data, [{ parent: 'frontend', child: 'payments', callCount: 1 }]);
    const before = await get(`/jaeger/api/dependencies?endTs=${1_699_000_000_000}&lookback=1000`);
    assert.deepEqual(before.body.data, []);
  });
});
