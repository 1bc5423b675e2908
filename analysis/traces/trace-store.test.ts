import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceFromAttributes } from '../../model/resource.ts';
import { SpanKind, StatusCode, type Span, type TraceBatch } from '../../model/trace.ts';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTracesProto } from '../../collector/otlp/traces-proto.ts';
import { goldenSpans } from '../../collector/otlp/sdk-fixtures.ts';
import { RecentTraceStore, type TraceDropReason } from './trace-store.ts';

function span(traceNo: number, spanNo: number, name = 'op', kind = SpanKind.Server): Span {
  return {
    traceId: traceNo.toString(16).padStart(32, '0'), spanId: spanNo.toString(16).padStart(16, '0'), parentSpanId: '', traceState: '',
    name, kind, startTimeUnixMs: 1000 * traceNo, durationMs: 5, statusCode: StatusCode.Unset, statusMessage: '',
    attributes: {}, events: [], links: [],
  };
}

function batch(service: string, spans: Span[]): TraceBatch {
  return {
    receivedAtMs: 0, spanCount: spans.length,
    resourceSpans: [{ resource: resourceFromAttributes({ 'service.name': service }), scopeSpans: [{ scope: { name: 's' }, spans }] }],
  };
}

function makeStore(clock: { ms: number }, drops: Array<[TraceDropReason, number]>, maxSpans = 10, maxSpansPerTrace = 100) {
  return new RecentTraceStore({ maxSpans, maxAgeMs: 60_000, maxSpansPerTrace, now: () => clock.ms, onDrop: (r, n) => drops.push([r, n]) });
}

const query = (service: string) => ({ service, tags: {}, startUs: 0, endUs: Number.MAX_SAFE_INTEGER, limit: 100 });

describe('recent-trace store', () => {
  it('keeps protobuf spans as their bytes and gives back exactly the spans that were decoded', () => {
    const { batch } = decodeTracesProto(ProtobufTraceSerializer.serializeRequest(goldenSpans())!, 0);
    const store = makeStore({ ms: 0 }, [], 1000);
    store.consume(batch);
    const decoded = batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ span, service: rs.resource.serviceName }))));
    for (const { span, service } of decoded) {
      const stored = store.get(span.traceId)!.spans.find((s) => s.span.spanId === span.spanId)!;
      assert.deepEqual(stored.span, span);
      assert.equal(stored.resource.serviceName, service);
      const [key, value] = Object.entries(span.attributes).find(([, v]) => typeof v === 'string') ?? [];
      if (key) assert.equal(store.search({ ...query(service), tags: { [key]: value as string } }).length > 0, true, `search by ${key}`);
    }
  });

  it('evicts the oldest traces when the span budget is used up, and counts the spans', () => {
    const drops: Array<[TraceDropReason, number]> = [];
    const store = makeStore({ ms: 0 }, drops);
    store.consume(batch('a', [span(1, 1), span(1, 2), span(1, 3), span(1, 4)]));
    store.consume(batch('b', [span(2, 5), span(2, 6), span(2, 7), span(2, 8)]));
    store.consume(batch('b', [span(3, 9), span(3, 10), span(3, 11)]));
    assert.equal(store.spanCount, 7);
    assert.equal(store.get(span(1, 1).traceId), undefined);
    assert.deepEqual(drops, [['capacity', 4]]);
    assert.deepEqual(store.search(query('a')), []);
    assert.deepEqual(store.search(query('b')).map((t) => t.traceId), [span(3, 9).traceId, span(2, 5).traceId]);
  });

  it('keeps evicting oldest-first over many traces, including a trace ID that returns after eviction', () => {
    const drops: Array<[TraceDropReason, number]> = [];
    const store = makeStore({ ms: 0 }, drops, 100);
    for (let i = 1; i <= 10_000; i++) store.consume(batch('a', [span(i, i)]));
    store.consume(batch('a', [span(1, 20_001)]));
    assert.equal(store.spanCount, 100);
    assert.equal(drops.reduce((n, [, c]) => n + c, 0), 9_901);
    const held = [...store.all()].map((t) => parseInt(t.traceId, 16));
    assert.deepEqual(held, [...Array.from({ length: 99 }, (_, k) => 9_902 + k), 1]);
  });

  it('adds late spans to their trace and evicts by age from the first span (fake clock)', () => {
    const clock = { ms: 0 };
    const drops: Array<[TraceDropReason, number]> = [];
    const store = makeStore(clock, drops);
    store.consume(batch('a', [span(1, 1)]));
    clock.ms = 30_000;
    store.consume(batch('b', [span(1, 2)]));
    assert.equal(store.get(span(1, 1).traceId)?.spans.length, 2);
    clock.ms = 60_000;
    store.expire();
    assert.equal(store.traceCount, 1);
    clock.ms = 60_001;
    store.expire();
    assert.equal(store.traceCount, 0);
    assert.deepEqual(drops, [['age', 2]]);
    // Operations are forgotten once not seen for maxAgeMs.
    clock.ms = 90_001;
    store.expire();
    assert.deepEqual(store.services(), []);
  });

  it('caps the spans of one trace', () => {
    const drops: Array<[TraceDropReason, number]> = [];
    const store = makeStore({ ms: 0 }, drops, 100, 2);
    store.consume(batch('a', [span(1, 1), span(1, 2), span(1, 3)]));
    assert.equal(store.spanCount, 2);
    assert.deepEqual(drops, [['trace_too_large', 1]]);
  });

  it('indexes operations by span kind', () => {
    const store = makeStore({ ms: 0 }, []);
    store.consume(batch('a', [span(1, 1, 'GET /', SpanKind.Server), span(1, 2, 'SELECT', SpanKind.Client), span(1, 3, 'GET /', SpanKind.Internal)]));
    assert.deepEqual(store.operations('a'), [
      { name: 'GET /', spanKind: 'internal' }, { name: 'GET /', spanKind: 'server' }, { name: 'SELECT', spanKind: 'client' },
    ]);
    assert.deepEqual(store.operations('a', 'client'), [{ name: 'SELECT', spanKind: 'client' }]);
    assert.deepEqual(store.search({ ...query('a'), operation: 'SELECT' }).length, 1);
  });
});
