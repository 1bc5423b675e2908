import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SpanKind, StatusCode, type Span } from '../model/trace.ts';
import type { Attributes } from '../model/attributes.ts';
import { isErrorSpan } from './span-error.ts';

function span(kind: SpanKind, statusCode: StatusCode, attributes: Attributes = {}): Span {
  return {
    traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', parentSpanId: '', traceState: '', name: 'GET /',
    kind, startTimeUnixMs: 0, durationMs: 1, statusCode, statusMessage: '', attributes, events: [], links: [],
  };
}

const cases: Array<[string, Span, boolean]> = [
  ['status ERROR', span(SpanKind.Internal, StatusCode.Error), true],
  ['status OK with HTTP 500', span(SpanKind.Server, StatusCode.Ok, { 'http.response.status_code': 500 }), false],
  ['unset server span, HTTP 503', span(SpanKind.Server, StatusCode.Unset, { 'http.response.status_code': 503 }), true],
  ['unset server span, old http.status_code 500', span(SpanKind.Server, StatusCode.Unset, { 'http.status_code': 500 }), true],
  ['unset server span, HTTP 404', span(SpanKind.Server, StatusCode.Unset, { 'http.response.status_code': 404 }), false],
  ['unset client span, HTTP 500', span(SpanKind.Client, StatusCode.Unset, { 'http.response.status_code': 500 }), false],
  ['unset server span, gRPC 14', span(SpanKind.Server, StatusCode.Unset, { 'rpc.grpc.status_code': 14 }), true],
  ['unset server span, gRPC 0', span(SpanKind.Server, StatusCode.Unset, { 'rpc.grpc.status_code': 0 }), false],
  ['unset server span, no attributes', span(SpanKind.Server, StatusCode.Unset), false],
];

for (const [name, s, expected] of cases) {
  it(`isErrorSpan: ${name}`, () => assert.equal(isErrorSpan(s), expected));
}
