import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, StatusCode, type Span, type TraceBatch } from '../../model/trace.ts';
import { decodeTracesProto } from './traces-proto.ts';
import { fixed32, fixed64, hex, len, msg, varint } from './proto-builder.ts';

function allSpans(batch: TraceBatch): Span[] {
  return batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

// Hand-built spans for what the SDK never sends.
const TRACE = hex('5b8efff798038103d269b633813fc60c');
const SPAN = hex('eee19b7ec3c1b174');
function span(...overrides: Uint8Array[]): Uint8Array {
  const fields = new Map<number, Uint8Array>([
    [1, len(1, TRACE)],
    [2, len(2, SPAN)],
    [5, len(5, 'op')],
    [7, fixed64(7, 1_700_000_000_000_000_000n)],
    [8, fixed64(8, 1_700_000_000_001_000_000n)],
  ]);
  const extra: Uint8Array[] = [];
  for (const o of overrides) {
    const field = o[0] >> 3;
    if (fields.has(field)) fields.set(field, o);
    else extra.push(o);
  }
  return len(2, ...fields.values(), ...extra);
}
function request(...spans: Uint8Array[]): Uint8Array {
  return len(1, len(1, len(1, len(1, 'service.name'), len(2, len(1, 'svc')))), len(2, len(1, len(1, 'scope')), ...spans));
}

describe('decodeTracesProto rejects invalid spans and keeps the rest', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['trace_id of 15 bytes', span(len(1, TRACE.subarray(1))), 'trace_id is 15 bytes, want 16'],
    ['missing trace_id', span(len(1, new Uint8Array(0))), 'trace_id is empty'],
    ['all-zero trace_id', span(len(1, new Uint8Array(16))), 'trace_id is all zeros'],
    ['span_id of 16 bytes', span(len(2, TRACE)), 'span_id is 16 bytes, want 8'],
    ['all-zero span_id', span(len(2, new Uint8Array(8))), 'span_id is all zeros'],
    ['parent_span_id of 4 bytes', span(len(4, SPAN.subarray(4))), 'parent_span_id is 4 bytes, want 8'],
    ['kind out of range', span(varint(6, 9)), 'kind 9 is not a SpanKind'],
    ['status code out of range', span(len(15, varint(3, 7))), 'status code 7 is not a StatusCode'],
    ['link with a short span_id', span(len(13, len(1, TRACE), len(2, SPAN.subarray(1)))), 'link 0 span_id is 7 bytes, want 8'],
  ];
  for (const [name, bad, reason] of cases) {
    it(name, () => {
      const { batch, rejectedItems, rejectionMessage } = decodeTracesProto(request(span(), bad, span()), 0);
      assert.equal(rejectedItems, 1);
      assert.equal(batch.spanCount, 2);
      assert.equal(rejectionMessage, `rejected 1 spans: span 1 of scope 0 of resource 0: ${reason}`);
    });
  }

  it('keeps a span that ends before it starts (clock skew), with a duration of 0', () => {
    const { batch, rejectedItems } = decodeTracesProto(request(span(fixed64(8, 1_699_999_999_000_000_000n))), 0);
    assert.equal(rejectedItems, 0);
    assert.equal(batch.resourceSpans[0].scopeSpans[0].spans[0].durationMs, 0);
  });

  it('drops a resource whose spans were all rejected, and reports the first reasons', () => {
    const bad = span(len(1, TRACE.subarray(2)));
    const { batch, rejectedItems, rejectionMessage } = decodeTracesProto(request(bad, bad, bad, bad), 0);
    assert.equal(rejectedItems, 4);
    assert.deepEqual(batch.resourceSpans, []);
    assert.match(rejectionMessage, /^rejected 4 spans: span 0 .*; span 1 .*; span 2 .*; and 1 more$/);
  });

  it('decodes a hand-built span with times split across 32-bit halves exactly', () => {
    const s = span(fixed64(7, 1_700_000_000_999_999_999n), fixed64(8, 1_700_000_004_294_967_297n), fixed32(16, 0x301));
    const [decoded] = allSpans(decodeTracesProto(request(s), 0).batch);
    assert.equal(decoded.durationMs, 3294.967298);
    assert.equal(decoded.startTimeUnixMs, 1_700_000_000_999.999999);
    assert.equal(decoded.kind, SpanKind.Unspecified);
    assert.equal(decoded.traceId, '5b8efff798038103d269b633813fc60c');
  });

  it('treats an empty body as an empty request', () => {
    assert.deepEqual(decodeTracesProto(new Uint8Array(0), 5), {
      batch: { resourceSpans: [], spanCount: 0, receivedAtMs: 5, protoBody: new Uint8Array(0) }, rejectedItems: 0, rejectionMessage: '',
    });
    assert.equal(decodeTracesProto(msg(), 0).batch.spanCount, 0);
  });
});
