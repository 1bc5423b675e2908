import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeTracesJson, decodeTracesProto } from '../collector/otlp/index.ts';
import { withoutProtoRefs } from '../collector/otlp/testing.ts';
import { buildTracePayload } from './otlp-payloads.ts';

it('builds SDK-shaped 1,000-span requests of about 300 bytes a span that decode cleanly', () => {
  const p = buildTracePayload(1000);
  assert.equal(p.spanCount, 1000);
  assert.equal(p.resourceCount, 5);
  const bytesPerSpan = p.proto.length / p.spanCount;
  assert.ok(bytesPerSpan > 250 && bytesPerSpan < 350, `bytes per span ${bytesPerSpan}`);
  const proto = decodeTracesProto(p.proto, 0);
  const json = decodeTracesJson(p.json, 0);
  assert.deepEqual([proto.batch.spanCount, proto.rejectedItems, json.batch.spanCount, json.rejectedItems], [1000, 0, 1000, 0]);
  assert.deepEqual(json.batch.resourceSpans, withoutProtoRefs(proto.batch).resourceSpans);
  const spans = proto.batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => s.parentSpanId === '');
  const orphans = spans.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId));
  assert.ok(roots.length >= 80 && roots.length <= 86, `roots ${roots.length}`);
  assert.ok(orphans.length <= 11, `only the cut last trace may lose parents (${orphans.length})`);
  assert.deepEqual(new Set(spans.map((s) => s.kind)), new Set([2, 3]));
  assert.ok(spans.some((s) => s.statusCode === 2));
});
