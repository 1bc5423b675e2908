import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metric } from '../../model/metrics.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { decodeMetricsProto } from './metrics-proto.ts';
import { double, fixed64, len, msg, packedDouble, packedFixed64, packedVarint, sint, tag, varint } from './proto-builder.ts';

// Hand-built ExportMetricsServiceRequests for what the SDK does not send:
// summaries, negative exponential buckets, unpacked repeated fields, and
// invalid points.

const T = fixed64(3, 1_700_000_000_000_000_000n);
const attr = (k: string, v: string) => len(7, len(1, k), len(2, len(1, v)));
function request(...metrics: Uint8Array[]): Uint8Array {
  return len(1, len(1, len(1, len(1, 'service.name'), len(2, len(1, 'svc')))), len(2, len(1, len(1, 'meter')), ...metrics));
}
function metric(name: string, data: Uint8Array): Uint8Array {
  return len(2, len(1, name), len(3, 'ms'), data);
}
function decodeOne(body: Uint8Array): Metric {
  const { batch, rejectedItems, rejectionMessage } = decodeMetricsProto(body, 0);
  assert.equal(rejectedItems, 0, rejectionMessage);
  return batch.resourceMetrics[0].scopeMetrics[0].metrics[0];
}

const hist = (...fields: Uint8Array[]) => len(9, len(1, T, ...fields), varint(2, 2));

describe('decodeMetricsProto, point types the SDK does not make', () => {
  it('summary with quantiles', () => {
    const m = decodeOne(request(metric('rpc.latency', len(11, len(1, attr('k', 'v'), T, fixed64(4, 10), double(5, 12.5),
      len(6, double(1, 0), double(2, 0.1)), len(6, double(1, 0.99), double(2, 3.5)))))));
    assert.deepEqual(m.data, { type: 'summary', points: [{
      attributes: { k: 'v' }, startTimeUnixMs: 0, timeUnixMs: 1_700_000_000_000, flags: 0, count: 10, sum: 12.5,
      quantileValues: [{ quantile: 0, value: 0.1 }, { quantile: 0.99, value: 3.5 }],
    }] });
  });
  it('histogram with packed and with unpacked bucket_counts and explicit_bounds decode alike', () => {
    const packed = decodeOne(request(metric('h', hist(fixed64(4, 3), packedFixed64(6, [1, 0, 2]), packedDouble(7, [1, 2.5])))));
    const unpacked = decodeOne(request(metric('h', hist(fixed64(4, 3), fixed64(6, 1), fixed64(6, 0), fixed64(6, 2), double(7, 1), double(7, 2.5)))));
    assert.deepEqual(packed, unpacked);
    assert.ok(packed.data.type === 'histogram');
    assert.deepEqual([packed.data.points[0].bucketCounts, packed.data.points[0].explicitBounds], [[1, 0, 2], [1, 2.5]]);
    assert.equal('sum' in packed.data.points[0], false);
  });
  it('histogram with only count and sum (no buckets)', () => {
    const m = decodeOne(request(metric('h', hist(fixed64(4, 5), double(5, 9)))));
    assert.ok(m.data.type === 'histogram');
    assert.deepEqual([m.data.points[0].count, m.data.points[0].sum, m.data.points[0].bucketCounts], [5, 9, []]);
  });
  it('exponential histogram with negative buckets, sint32 offsets, packed and unpacked counts', () => {
    const m = decodeOne(request(metric('e', len(10, varint(2, 1), len(1, T, fixed64(4, 6), sint(6, -2), fixed64(7, 1), double(14, 0.001),
      len(8, sint(1, -3), packedVarint(2, [1, 2])), len(9, sint(1, 4), varint(2, 1), varint(2, 1)))))));
    assert.ok(m.data.type === 'exponentialHistogram');
    const p = m.data.points[0];
    assert.deepEqual([m.data.temporality, p.scale, p.zeroCount, p.zeroThreshold, p.positive, p.negative],
      [1, -2, 1, 0.001, { offset: -3, bucketCounts: [1, 2] }, { offset: 4, bucketCounts: [1, 1] }]);
  });
  it('sum with as_int negative (sfixed64) and flags', () => {
    const m = decodeOne(request(metric('s', len(7, len(1, T, fixed64(6, -7n), varint(8, 0)), varint(2, 2), varint(3, 1)))));
    assert.deepEqual(m.data, { type: 'sum', temporality: 2, isMonotonic: true, points: [
      { attributes: {}, startTimeUnixMs: 0, timeUnixMs: 1_700_000_000_000, flags: 0, value: -7, isInt: true },
    ] });
  });
});

describe('decodeMetricsProto rejects invalid points and keeps the rest', () => {
  const gaugePoint = len(1, T, double(4, 1));
  const cases: Array<[string, Uint8Array, number, string]> = [
    ['metric without a name', len(2, len(5, gaugePoint, gaugePoint)), 2, 'metric 1 has no name'],
    ['sum with unspecified temporality', metric('s', len(7, gaugePoint)), 1, 'metric 1 (s): aggregation_temporality 0 is not DELTA or CUMULATIVE'],
    ['bucket_counts length != explicit_bounds + 1', metric('h', hist(fixed64(4, 2), packedFixed64(6, [1, 1]), packedDouble(7, [1, 2]))), 1,
      'metric 1 point 0: has 2 bucket_counts for 2 explicit_bounds (want 3)'],
    ['bounds not increasing', metric('h', hist(fixed64(4, 2), packedFixed64(6, [1, 1, 0]), packedDouble(7, [2, 1]))), 1,
      'metric 1 point 0: explicit_bounds are not strictly increasing'],
    ['buckets not adding up to count', metric('h', hist(fixed64(4, 5), packedFixed64(6, [1, 1]), packedDouble(7, [2]))), 1,
      'metric 1 point 0: bucket_counts add up to 2, count is 5'],
    ['number point without a value', metric('g', len(5, len(1, T))), 1, 'metric 1 point 0: has neither as_double nor as_int'],
    ['point without a time', metric('g', len(5, len(1, double(4, 1)))), 1, 'metric 1 point 0: time_unix_nano is not set'],
    ['quantile above 1', metric('q', len(11, len(1, T, len(6, double(1, 1.5))))), 1, 'metric 1 point 0: quantile 1.5 is outside [0, 1]'],
    ['exponential scale 21', metric('e', len(10, varint(2, 2), len(1, T, sint(6, 21)))), 1, 'metric 1 point 0: scale 21 is outside [-10, 20]'],
  ];
  for (const [name, bad, rejected, reason] of cases) {
    it(name, () => {
      const { batch, rejectedItems, rejectionMessage } = decodeMetricsProto(request(metric('ok', len(5, gaugePoint)), bad), 0);
      assert.equal(batch.dataPointCount, 1);
      assert.equal(rejectedItems, rejected);
      assert.equal(rejectionMessage, `rejected ${rejected} data points: resource 0 scope 0 ${reason}`);
    });
  }
  it('a metric without data is noted, not counted', () => {
    const { batch, rejectedItems, rejectionMessage } = decodeMetricsProto(request(len(2, len(1, 'empty'))), 0);
    assert.deepEqual([batch.dataPointCount, batch.resourceMetrics.length, rejectedItems], [0, 0, 0]);
    assert.equal(rejectionMessage, 'resource 0 scope 0 metric 0 (empty) has no data and was ignored');
  });
});

describe('decodeMetricsProto throws InvalidInput for malformed messages', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['packed fixed64 not a multiple of 8', request(metric('h', hist(len(6, Uint8Array.from([1, 2, 3]))))), /packed HistogramDataPoint.bucket_counts of 3 bytes/],
    ['bucket_counts as a varint', request(metric('h', hist(varint(6, 1)))), /HistogramDataPoint.bucket_counts has wire type VARINT/],
    ['temporality as a string', request(metric('s', len(7, len(2, 'DELTA')))), /sum.aggregation_temporality has wire type LEN/],
    ['truncated packed varints', request(metric('e', len(10, len(1, len(8, len(2, Uint8Array.from([0x81]))))))), /truncated varint|runs past/],
    ['garbage', Uint8Array.from(Buffer.from('garbage!')), /invalid OTLP protobuf/],
  ];
  for (const [name, body, pattern] of cases) {
    it(name, () => assert.throws(() => decodeMetricsProto(body, 0), (err: unknown) =>
      err instanceof FaultlineError && err.code === ErrorCode.InvalidInput && pattern.test(err.message)));
  }
  it('an empty body is an empty request', () => {
    assert.deepEqual(decodeMetricsProto(msg(), 3).batch, { resourceMetrics: [], dataPointCount: 0, receivedAtMs: 3 });
    assert.equal(tag(1, 2)[0], 0x0a);
  });
});
