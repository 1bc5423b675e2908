import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { decodeMetricsJson } from './metrics-json.ts';

const T = '1700000000000000000';
const request = (...metrics: object[]) => JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ scope: { name: 'm' }, metrics }] }] });

describe('decodeMetricsJson, what the SDK does not send', () => {
  it('summary, string counts, snake_case keys and enum names', () => {
    const { batch, rejectedItems } = decodeMetricsJson(request(
      { name: 'q', summary: { data_points: [{ time_unix_nano: T, count: '4', sum: 2, quantile_values: [{ quantile: 0.5, value: 1 }] }] } },
      { name: 'h', histogram: { aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA', dataPoints: [
        { timeUnixNano: T, count: '3', bucketCounts: ['1', 2], explicitBounds: [10], sum: 'NaN' }] } },
      { name: 's', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ timeUnixNano: T, asInt: '-9007199254740991' }] } },
      { name: 'e', exponentialHistogram: { aggregationTemporality: 1, dataPoints: [
        { timeUnixNano: T, count: 3, scale: -1, zeroCount: '1', negative: { offset: -2, bucketCounts: ['2'] } }] } },
    ), 0);
    assert.equal(rejectedItems, 0);
    assert.equal(batch.dataPointCount, 4);
    const [q, h, s, e] = batch.resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.data);
    assert.deepEqual(q, { type: 'summary', points: [{ attributes: {}, startTimeUnixMs: 0, timeUnixMs: 1.7e12, flags: 0, count: 4, sum: 2, quantileValues: [{ quantile: 0.5, value: 1 }] }] });
    assert.ok(h.type === 'histogram' && h.temporality === 1 && Number.isNaN(h.points[0].sum) && h.points[0].bucketCounts.join() === '1,2');
    assert.ok(s.type === 'sum' && s.points[0].value === -9007199254740991 && s.points[0].isInt);
    assert.ok(e.type === 'exponentialHistogram' && e.points[0].negative.offset === -2 && e.points[0].scale === -1);
  });
  it('rejects invalid points with the same rules as protobuf', () => {
    const { batch, rejectedItems, rejectionMessage } = decodeMetricsJson(request(
      { name: 'ok', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } },
      { gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } },
      { name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T, count: 1, bucketCounts: [1], explicitBounds: [1] }] } },
      { name: 's', sum: { dataPoints: [{ timeUnixNano: T, asInt: 1 }] } },
    ), 0);
    assert.equal(batch.dataPointCount, 1);
    assert.equal(rejectedItems, 3);
    assert.equal(rejectionMessage, 'rejected 3 data points: resource 0 scope 0 metric 1 has no name; '
      + 'resource 0 scope 0 metric 2 point 0: has 1 bucket_counts for 1 explicit_bounds (want 2); '
      + 'resource 0 scope 0 metric 3 (s): aggregation_temporality 0 is not DELTA or CUMULATIVE');
  });
  const bad: Array<[string, string, RegExp]> = [
    ['bucketCounts not an array', request({ name: 'h', histogram: { dataPoints: [{ bucketCounts: 3 }] } }), /metrics\[0\]\.histogram\.dataPoints\[0\]\.bucketCounts: expected an array/],
    ['asDouble as an object', request({ name: 'g', gauge: { dataPoints: [{ asDouble: {} }] } }), /gauge\.dataPoints\[0\]\.asDouble: expected a number/],
    ['unknown temporality name', request({ name: 's', sum: { aggregationTemporality: 'DELTA' } }), /aggregationTemporality: expected an enum integer/],
  ];
  for (const [name, body, pattern] of bad) {
    it(name, () => assert.throws(() => decodeMetricsJson(body, 0), (err: unknown) =>
      err instanceof FaultlineError && err.code === ErrorCode.InvalidInput && pattern.test(err.message)));
  }
});
