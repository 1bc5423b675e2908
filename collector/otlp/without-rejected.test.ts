import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogsJson, decodeLogsProto, decodeMetricsJson, decodeMetricsProto, decodeTracesJson, decodeTracesProto } from './index.ts';
import { double, fixed64, hex, len, msg, tag, varint } from './proto-builder.ts';
import { withoutProtoRefs } from './testing.ts';

// What --forward-otlp passes on after a partial success: the request without
// the rejected items, which decodes to exactly the batch that was accepted,
// with nothing rejected and the fields Faultline does not know kept.

const GOOD_TRACE = '5b8efff798038103d269b633813fc60c';
const T = fixed64(3, 1_700_000_000_000_000_000n);
const unknownGroup = msg(tag(50, 3), varint(1, 7), tag(50, 4)); // a group: the walker must skip it whole
const unknownText = len(99, 'keep-me');

function span(traceId: string, spanId: string, ...extra: Uint8Array[]): Uint8Array {
  return len(2, len(1, hex(traceId)), len(2, hex(spanId)), len(5, 'op'), fixed64(7, 1_700_000_000_000_000_000n), fixed64(8, 1_700_000_000_100_000_000n), ...extra);
}
const resource = (service: string) => len(1, len(1, len(1, 'service.name'), len(2, len(1, service))));

function roundTrip<T>(
  decode: (b: Uint8Array) => { batch: T; rejectedItems: number; acceptedBody?: () => Uint8Array }, body: Uint8Array,
  /** What to compare of a batch (where spans sit in each request differs). */
  strip: (batch: T) => unknown = (batch) => batch,
) {
  const first = decode(body);
  assert.ok(first.acceptedBody, 'something was rejected, so there is an accepted body');
  const accepted = first.acceptedBody();
  const second = decode(accepted);
  assert.equal(second.rejectedItems, 0);
  assert.equal(second.acceptedBody, undefined);
  assert.deepEqual(strip(second.batch), strip(first.batch));
  return { first, accepted };
}

describe('the accepted part of a partially rejected request', () => {
  it('traces, protobuf: bad spans left out across resources and scopes, lengths rewritten, unknown fields kept', () => {
    const body = msg(
      len(1, resource('a'), len(2, len(1, len(1, 'scope')), span(GOOD_TRACE, 'eee19b7ec3c1b174', unknownText), span('0102', 'eee19b7ec3c1b175'), unknownGroup),
        len(2, span(GOOD_TRACE, '0000000000000000'))), // a scope left with no span
      len(1, resource('b'), len(2, span(GOOD_TRACE, 'eee19b7ec3c1b176'), span('00'.repeat(16), 'eee19b7ec3c1b177'), span(GOOD_TRACE, 'eee19b7ec3c1b178'))),
      unknownText,
    );
    const { first, accepted } = roundTrip((b) => decodeTracesProto(b, 1), body, withoutProtoRefs);
    assert.equal(first.rejectedItems, 3);
    assert.equal(first.batch.spanCount, 3);
    assert.equal(Buffer.from(accepted).toString('latin1').split('keep-me').length - 1, 2);
    assert.ok(Buffer.from(accepted).includes(Buffer.from(unknownGroup)));
  });

  it('traces, JSON: snake_case keys and unknown keys kept, bad spans left out', () => {
    const good = { traceId: GOOD_TRACE, spanId: 'eee19b7ec3c1b174', name: 'op', futureField: 1 };
    const body = JSON.stringify({
      resource_spans: [{ scope_spans: [{ spans: [{ ...good, traceId: 'ab' }, good, { ...good, span_id: '00'.repeat(8), spanId: undefined }, { ...good, spanId: 'eee19b7ec3c1b175' }] }] }],
      extra: true,
    });
    const { first, accepted } = roundTrip((b) => decodeTracesJson(b, 1), Buffer.from(body));
    assert.equal(first.rejectedItems, 2);
    const parsed = JSON.parse(Buffer.from(accepted).toString());
    assert.equal(parsed.extra, true);
    assert.deepEqual(parsed.resource_spans[0].scope_spans[0].spans.map((s: { spanId: string }) => s.spanId), ['eee19b7ec3c1b174', 'eee19b7ec3c1b175']);
  });

  it('metrics, protobuf: a bad point, a metric without a name and one with an unspecified temporality left out', () => {
    const point = (...f: Uint8Array[]) => len(1, T, ...f);
    const gauge = (name: string, ...points: Uint8Array[]) => len(2, len(1, name), len(5, ...points));
    const body = len(1, resource('m'), len(2, len(1, len(1, 'meter')),
      gauge('g', point(double(4, 1)), point(), point(double(4, 3))), // the middle point has no value
      gauge('', point(double(4, 1)), point(double(4, 2))),
      len(2, len(1, 's'), len(7, point(double(4, 1)), varint(3, 1))), // sum without temporality
      len(2, len(1, 's2'), len(7, point(double(4, 1)), varint(2, 2), varint(3, 1)), unknownText),
    ));
    const { first, accepted } = roundTrip((b) => decodeMetricsProto(b, 1), body);
    assert.equal(first.rejectedItems, 4);
    assert.equal(first.batch.dataPointCount, 3);
    assert.ok(Buffer.from(accepted).includes(Buffer.from(unknownText)));
  });

  it('metrics, JSON: the same rules', () => {
    const p = (v?: number) => ({ timeUnixNano: '1700000000000000000', ...(v === undefined ? {} : { asDouble: v }) });
    const body = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [
      { name: 'g', gauge: { dataPoints: [p(1), p(), p(3)] } },
      { name: '', gauge: { dataPoints: [p(1)] } },
      { name: 's', sum: { dataPoints: [p(1)], isMonotonic: true } },
      { name: 's2', sum: { dataPoints: [p(1)], aggregationTemporality: 2 } },
    ] }] }] });
    const { first } = roundTrip((b) => decodeMetricsJson(b, 1), Buffer.from(body));
    assert.equal(first.rejectedItems, 3);
    assert.equal(first.batch.dataPointCount, 3);
  });

  it('logs, protobuf and JSON', () => {
    const record = (...f: Uint8Array[]) => len(2, fixed64(1, 1n), len(5, len(1, 'body')), ...f);
    const proto = len(1, len(2, record(), record(len(9, hex('00'.repeat(15)))), record()));
    assert.equal(roundTrip(decodeLogsProto, proto).first.batch, 2);
    const json = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'abcd' }, { body: { stringValue: 'x' } }] }] }] });
    assert.equal(roundTrip(decodeLogsJson, Buffer.from(json)).first.batch, 1);
  });

  it('is not offered when nothing was rejected', () => {
    assert.equal(decodeTracesProto(len(1, len(2, span(GOOD_TRACE, 'eee19b7ec3c1b174'))), 1).acceptedBody, undefined);
  });
});
