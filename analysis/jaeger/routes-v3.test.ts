import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { decodeTracesJson } from '../../collector/otlp/index.ts';
import type { TraceBatch } from '../../model/trace.ts';
import { silentLogger } from '../../platform/logger.ts';
import { RecentTraceStore } from '../traces/trace-store.ts';
import { registerJaegerV3Routes } from './routes-v3.ts';

const testdata = new URL('./testdata/', import.meta.url);
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const NOW_MS = 1_700_000_060_000;

describe('Jaeger api/v3 (Grafana with jaegerEnableGrpcEndpoint)', () => {
  const app = new Hono();
  let input: TraceBatch;
  before(() => {
    input = JSON.parse(readFileSync(new URL('trace.input.json', testdata), 'utf8')) as TraceBatch;
    const store = new RecentTraceStore({ maxSpans: 1000, maxAgeMs: 3_600_000, maxSpansPerTrace: 100, now: () => NOW_MS });
    store.consume(input);
    registerJaegerV3Routes(app, '/jaeger', { store, now: () => NOW_MS, lookbackMs: 3_600_000, searchLimit: 100, logger: silentLogger() });
  });

  async function get(path: string): Promise<{ status: number; body: any; text: string }> {
    const res = await app.request(path);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), text };
  }

  it('serves a trace as the golden OTLP/JSON, which the OTLP JSON decoder reads back into the same spans', async () => {
    const { status, body } = await get(`/jaeger/api/v3/traces/${TRACE_ID}`);
    assert.equal(status, 200);
    const goldenUrl = new URL('trace.v3.golden.json', testdata);
    const text = `${JSON.stringify(body, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenUrl, text);
    assert.equal(text, readFileSync(goldenUrl, 'utf8'));

    const decoded = decodeTracesJson(JSON.stringify(body.result), 0);
    assert.equal(decoded.rejectedItems, 0, decoded.rejectionMessage);
    const spans = (b: TraceBatch) => b.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service: rs.resource.serviceName }))));
    const round = (s: ReturnType<typeof spans>[number]) => ({ ...s, startTimeUnixMs: Math.round(s.startTimeUnixMs * 1000), durationMs: Math.round(s.durationMs * 1000),
      events: s.events.map((e) => ({ ...e, timeUnixMs: Math.round(e.timeUnixMs) })) });
    assert.deepEqual(spans(decoded.batch).map(round), spans(input).map(round));
  });

  it('lists services and operations', async () => {
    assert.deepEqual((await get('/jaeger/api/v3/services')).body, { services: ['frontend', 'payments'] });
    assert.deepEqual((await get('/jaeger/api/v3/operations?service=frontend&span_kind=client')).body, { operations: [{ name: 'POST', spanKind: 'client' }] });
  });

  const searches: Array<[string, string, number]> = [
    ['by service', 'query.service_name=payments', 1],
    ['by operation', 'query.service_name=payments&query.operation_name=POST%20%2Fpay', 1],
    ['by attributes', `query.service_name=payments&query.attributes=${encodeURIComponent('{"error":"true"}')}`, 1],
    ['by duration', 'query.service_name=frontend&query.duration_min=110ms&query.duration_max=1s', 1],
    ['by time window', 'query.service_name=payments&query.start_time_min=2023-11-14T22:13:19Z&query.start_time_max=2023-11-14T22:13:21Z', 1],
    ['outside the time window', 'query.service_name=payments&query.start_time_min=2023-11-14T22:14:00Z&query.start_time_max=2023-11-14T22:15:00Z', 0],
  ];
  for (const [name, query, traces] of searches) {
    it(`searches ${name}`, async () => {
      const { status, body } = await get(`/jaeger/api/v3/traces?${query}`);
      assert.equal(status, 200, JSON.stringify(body));
      const ids = new Set<string>(body.result.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.traceId))));
      assert.equal(ids.size, traces);
    });
  }

  const errors: Array<[string, number, RegExp]> = [
    ['/jaeger/api/v3/traces/0af7651916cd43dd8448eb211c80319c', 404, /trace not found/],
    ['/jaeger/api/v3/traces/xyz', 400, /cannot parse traceID/],
    ['/jaeger/api/v3/traces', 400, /'query.service_name' is required/],
    ['/jaeger/api/v3/traces?query.service_name=a&query.start_time_min=yesterday', 400, /RFC 3339/],
    ['/jaeger/api/v3/traces?query.service_name=a&query.duration_min=long', 400, /query.duration_min/],
    ['/jaeger/api/v3/operations', 400, /'service' is required/],
  ];
  for (const [path, status, msg] of errors) {
    it(`answers ${status} for ${path}`, async () => {
      const r = await get(path);
      assert.equal(r.status, status);
      assert.equal(r.body.error.httpCode, status);
      assert.match(r.body.error.message, msg);
    });
  }
});
