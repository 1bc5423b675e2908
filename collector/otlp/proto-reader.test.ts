import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { decodeTracesProto } from './traces-proto.ts';
import { recordSpans } from './sdk-fixtures.ts';
import { double, fixed32, fixed64, hex, len, msg, tag, varint } from './proto-builder.ts';
import { ProtoReader } from './proto-reader.ts';

function assertInvalid(body: Uint8Array, pattern: RegExp) {
  assert.throws(() => decodeTracesProto(body, 0), (err: unknown) => {
    assert.ok(err instanceof FaultlineError, `not a FaultlineError: ${String(err)}`);
    assert.equal(err.code, ErrorCode.InvalidInput);
    assert.match(err.message, pattern);
    return true;
  });
}

const TRACE = hex('5b8efff798038103d269b633813fc60c');
const SPAN = hex('eee19b7ec3c1b174');
const goodSpan = (...extra: Uint8Array[]) =>
  len(2, len(1, TRACE), len(2, SPAN), len(5, 'op'), fixed64(7, 1n), fixed64(8, 2n), ...extra);
const request = (...spanParts: Uint8Array[]) => len(1, len(2, ...spanParts));

describe('undecodable protobuf throws InvalidInput', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['garbage', Uint8Array.from(Buffer.from('this is not protobuf at all')), /invalid OTLP protobuf/],
    ['JSON sent as protobuf', Uint8Array.from(Buffer.from('{"resourceSpans":[]}')), /invalid OTLP protobuf/],
    ['field number 0', Uint8Array.from([0x02, 0x00]), /field number 0/],
    ['reserved wire type 7', Uint8Array.from([0x17]), /reserved wire type 7/],
    ['unterminated varint', Uint8Array.from([0x10, 0xff, 0xff]), /truncated varint/],
    ['varint of 11 bytes', msg(tag(9, 0), Uint8Array.from([...Array(10).fill(0xff), 0x01])), /varint longer than 10 bytes/],
    ['length past the end', Uint8Array.from([0x0a, 0x05, 0x01]), /length 5 at byte 1 runs past/],
    ['resource_spans as a varint', varint(1, 5), /ExportTraceServiceRequest.resource_spans has wire type VARINT, expected LEN/],
    ['trace_id as fixed64', request(len(2, fixed64(1, 7n))), /Span.trace_id has wire type I64, expected LEN/],
    ['start time as a varint', request(len(2, varint(7, 7))), /Span.start_time_unix_nano has wire type VARINT, expected I64/],
    ['kind as a string', request(len(2, len(6, 'SERVER'))), /Span.kind has wire type LEN/],
    ['attribute value int as double', request(goodSpan(len(9, len(1, 'k'), len(2, double(3, 1))))), /AnyValue.int_value has wire type I64/],
    ['fixed64 cut inside a span', request(len(2, msg(tag(7, 1), Uint8Array.from([1, 2, 3])))), /runs past|truncated/],
    ['group never closed', msg(tag(20, 3), varint(1, 1)), /truncated group 20/],
    ['group closed by another field', msg(tag(20, 3), tag(21, 4)), /group 20 closed by end-group 21/],
    ['stray end-group', msg(tag(20, 4)), /unexpected end-group/],
    ['AnyValue nested 100 deep', request(goodSpan(len(9, len(1, 'k'), nestedArrays(100)))), /nested deeper than 64/],
  ];
  for (const [name, body, pattern] of cases) it(name, () => assertInvalid(body, pattern));

  it('throws InvalidInput for every truncation of a real SDK request, never anything else', () => {
    const spans = recordSpans('svc', (tracer) => {
      const s = tracer.startSpan('GET /', { attributes: { 'http.request.method': 'GET', n: 1, ok: true, r: 0.5, l: ['a'] } });
      s.addEvent('e', { k: 'v' });
      s.end();
    });
    const body = ProtobufTraceSerializer.serializeRequest(spans)!;
    assert.equal(decodeTracesProto(body, 0).batch.spanCount, 1);
    for (let n = 1; n < body.length; n++) assertInvalid(body.subarray(0, n), /invalid OTLP protobuf/);
    // A body with bytes left over is just as broken.
    assertInvalid(msg(body, Uint8Array.from([0x0a])), /truncated varint/);
  });
});

function nestedArrays(depth: number): Uint8Array {
  let v = len(1, 'leaf');
  for (let i = 0; i < depth; i++) v = len(5, len(1, v));
  return len(2, v);
}

describe('unknown fields are skipped for every wire type', () => {
  const unknown = msg(
    varint(99, 2n ** 63n),
    fixed64(98, 1n),
    len(97, 'ignored'),
    fixed32(96, 7),
    msg(tag(95, 3), varint(1, 1), msg(tag(94, 3), len(2, 'x'), tag(94, 4)), tag(95, 4)),
  );
  it('at every level of the request', () => {
    const body = msg(
      unknown,
      len(1, unknown, len(1, unknown, len(1, unknown, len(1, 'service.name'), len(2, unknown, len(1, 'svc')))), len(3, 'schema'),
        len(2, unknown, len(1, unknown, len(1, 'scope')), goodSpan(unknown, len(11, unknown, len(2, 'ev')), len(15, unknown, varint(3, 2))))),
    );
    const { batch, rejectedItems } = decodeTracesProto(body, 0);
    assert.equal(rejectedItems, 0);
    assert.equal(batch.spanCount, 1);
    assert.equal(batch.resourceSpans[0].resource.serviceName, 'svc');
    const span = batch.resourceSpans[0].scopeSpans[0].spans[0];
    assert.deepEqual([span.name, span.statusCode, span.events[0].name], ['op', 2, 'ev']);
  });
});

describe('ProtoReader scalars', () => {
  const cases: Array<[string, Uint8Array, (r: ProtoReader) => number, number]> = [
    ['int64 -1 (10-byte varint)', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), (r) => r.int64(), -1],
    ['int64 2^40+7', varint(1, 2 ** 40 + 7).subarray(1), (r) => r.int64(), 2 ** 40 + 7],
    ['int64 -2^53+1', varint(1, -(2 ** 53) + 1).subarray(1), (r) => r.int64(), -(2 ** 53) + 1],
    ['uint64 2^63', varint(1, 2n ** 63n).subarray(1), (r) => r.uint64(), 2 ** 63],
    ['varint32 of a 10-byte -1 keeps the low 32 bits', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), (r) => r.varint32(), 0xffffffff],
    ['sint32 -3', Uint8Array.from([5]), (r) => r.sint32(), -3],
    ['sfixed64 -5', fixed64(1, -5n).subarray(1), (r) => r.sfixed64(), -5],
    ['fixed64 2^52+1', fixed64(1, 2n ** 52n + 1n).subarray(1), (r) => r.fixed64(), 2 ** 52 + 1],
  ];
  for (const [name, bytes, read, want] of cases) {
    it(name, () => {
      const r = new ProtoReader(bytes);
      assert.equal(read(r), want);
      assert.equal(r.pos, bytes.length);
    });
  }
});
