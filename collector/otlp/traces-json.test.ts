import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, StatusCode, type Span } from '../../model/trace.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { decodeTracesJson } from './traces-json.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

function request(...spans: object[]): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [{ scope: { name: 's' }, spans }],
    }],
  });
}
function span(over: object = {}): object {
  return { traceId: TRACE, spanId: SPAN, name: 'op', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000250000001', ...over };
}
function only(body: string): Span {
  const { batch, rejectedItems, rejectionMessage } = decodeTracesJson(body, 0);
  assert.equal(rejectedItems, 0, rejectionMessage);
  assert.equal(batch.spanCount, 1);
  return batch.resourceSpans[0].scopeSpans[0].spans[0];
}

describe('decodeTracesJson accepts what the OTLP/JSON spec allows', () => {
  it('upper- and mixed-case hex IDs, lowercased', () => {
    const s = only(request(span({ traceId: TRACE.toUpperCase(), spanId: 'EeE19b7eC3C1B174', parentSpanId: 'A1B2C3D4E5F60718' })));
    assert.deepEqual([s.traceId, s.spanId, s.parentSpanId], [TRACE, SPAN, 'a1b2c3d4e5f60718']);
  });
  it('64-bit integers as strings or numbers, times exact from strings', () => {
    const s = only(request(span({
      startTimeUnixNano: 1_700_000_000_000, endTimeUnixNano: 1_700_000_250_000,
      attributes: [{ key: 'a', value: { intValue: '-9007199254740991' } }, { key: 'b', value: { intValue: 7 } }, { key: 'c', value: { doubleValue: 'Infinity' } }],
    })));
    assert.deepEqual(s.attributes, { a: -9007199254740991, b: 7, c: Infinity });
    assert.equal(s.durationMs, 0.25);
    assert.equal(only(request(span())).durationMs, 250.000001);
  });
  it('snake_case keys and enum names', () => {
    const s = only(JSON.stringify({ resource_spans: [{ scope_spans: [{ spans: [{
      trace_id: TRACE, span_id: SPAN, parent_span_id: '', kind: 'SPAN_KIND_CLIENT', start_time_unix_nano: '1', end_time_unix_nano: '2',
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
    }] }] }] }));
    assert.deepEqual([s.kind, s.statusCode, s.statusMessage, s.parentSpanId], [SpanKind.Client, StatusCode.Error, 'boom', '']);
  });
  it('ignores unknown fields at every level', () => {
    const body = JSON.stringify({
      future: 1, resourceSpans: [{ x: [], resource: { attributes: [], y: {} }, scopeSpans: [{ z: 'q', scope: { name: 's', w: 1 }, spans: [span({ unknownField: { a: 1 } })] }] }],
    });
    assert.equal(only(body).name, 'op');
  });
  it('a resource without service.name is unknown_service', () => {
    const { batch } = decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span()] }] }] }), 0);
    assert.equal(batch.resourceSpans[0].resource.serviceName, 'unknown_service');
  });
  for (const body of ['', '  \n', '{}', '{"resourceSpans":[]}']) {
    it(`an empty request ${JSON.stringify(body)} has 0 spans`, () => {
      assert.deepEqual(decodeTracesJson(body, 9), { batch: { resourceSpans: [], spanCount: 0, receivedAtMs: 9 }, rejectedItems: 0, rejectionMessage: '' });
    });
  }
});

describe('decodeTracesJson rejects invalid spans and keeps the rest', () => {
  const cases: Array<[string, object, string]> = [
    ['15-byte trace ID', { traceId: TRACE.slice(2) }, 'trace_id is 15 bytes, want 16'],
    ['empty span ID', { spanId: '' }, 'span_id is empty'],
    ['all-zero trace ID', { traceId: '0'.repeat(32) }, 'trace_id is all zeros'],
    ['kind 7', { kind: 7 }, 'kind 7 is not a SpanKind'],
    ['link with a short trace ID', { links: [{ traceId: 'abcd', spanId: SPAN }] }, 'link 0 trace_id is 2 bytes, want 16'],
  ];
  for (const [name, over, reason] of cases) {
    it(name, () => {
      const { batch, rejectedItems, rejectionMessage } = decodeTracesJson(request(span(), span(over)), 0);
      assert.equal(batch.spanCount, 1);
      assert.equal(rejectedItems, 1);
      assert.equal(rejectionMessage, `rejected 1 spans: span 1 of scope 0 of resource 0: ${reason}`);
    });
  }
});

it('decodeTracesJson keeps a span that ends before it starts (clock skew), with a duration of 0', () => {
  const { batch, rejectedItems } = decodeTracesJson(request(span({ endTimeUnixNano: '1699999999999999999' })), 0);
  assert.equal(rejectedItems, 0);
  assert.equal(batch.resourceSpans[0].scopeSpans[0].spans[0].durationMs, 0);
});

describe('decodeTracesJson throws InvalidInput for undecodable JSON', () => {
  const cases: Array<[string, string | Uint8Array, RegExp]> = [
    ['not JSON', '{"resourceSpans": [', /invalid OTLP JSON: not JSON/],
    ['protobuf bytes', Uint8Array.from([0x0a, 0x02, 0x0a, 0x00]), /not JSON/],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ['a top-level array', '[]', /expected an object, got an array/],
    ['base64 trace ID', request(span({ traceId: 'W47/95gDgQPSabYzgT/GDA==' })), /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: "W47\/95gDgQPSabYzgT\/GDA==" is not a hex ID/],
    ['base64 span ID', request(span({ spanId: '7uGbfsPBsXQ=' })), /spans\[0\]\.spanId: .* is not a hex ID/],
    ['odd-length hex', request(span({ parentSpanId: 'abc' })), /parentSpanId: "abc" is not a hex ID/],
    ['ID as a number', request(span({ spanId: 12 })), /spanId: expected a string, got number 12/],
    ['spans as an object', request().replace('"spans":[]', '"spans":{}'), /spans: expected an array, got an object/],
    ['kind as an unknown name', request(span({ kind: 'SERVER' })), /kind: expected an enum integer, got the string "SERVER"/],
    ['time with a fraction', request(span({ startTimeUnixNano: '1.5' })), /startTimeUnixNano: expected an unsigned 64-bit integer/],
    ['time past 2^64', request(span({ endTimeUnixNano: '18446744073709551616' })), /endTimeUnixNano/],
    ['intValue not an integer', request(span({ attributes: [{ key: 'k', value: { intValue: '1e3' } }] })), /attributes\[0\]\.value\.intValue: expected an integer/],
    ['bytesValue not base64', request(span({ attributes: [{ key: 'k', value: { bytesValue: '%%' } }] })), /bytes must be base64/],
  ];
  for (const [name, body, pattern] of cases) {
    it(name, () => assert.throws(() => decodeTracesJson(body, 0), (err: unknown) => {
      assert.ok(err instanceof FaultlineError);
      assert.equal(err.code, ErrorCode.InvalidInput);
      assert.match(err.message, pattern);
      return true;
    }));
  }
});
