import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExponentialHistogramDataPoint } from '../../model/metrics.ts';
import { ExpHistogramState, MAX_EXP_BUCKETS } from './exp-histogram.ts';

function point(scale: number, positive: [number, number[]], negative: [number, number[]] = [0, []], zeroCount = 0, zeroThreshold = 0): ExponentialHistogramDataPoint {
  const sumCounts = (c: number[]) => c.reduce((a, b) => a + b, 0);
  return {
    attributes: {}, startTimeUnixMs: 0, timeUnixMs: 1, flags: 0,
    count: sumCounts(positive[1]) + sumCounts(negative[1]) + zeroCount, sum: 0,
    scale, zeroCount, zeroThreshold,
    positive: { offset: positive[0], bucketCounts: positive[1] },
    negative: { offset: negative[0], bucketCounts: negative[1] },
  };
}

describe('exponential histogram as classic buckets', () => {
  it('scale 0: bucket i is (2^i, 2^(i+1)]', () => {
    const s = new ExpHistogramState(0);
    s.add(point(0, [0, [1, 2, 3]], [0, []], 1));
    assert.deepEqual(s.toClassic(1), { bounds: [0, 2, 4, 8], cumulative: [1, 2, 4, 7] });
  });

  it('scale 1: base is sqrt(2), offsets may be negative', () => {
    const s = new ExpHistogramState(1);
    s.add(point(1, [-2, [1, 1, 1]]));
    const { bounds, cumulative } = s.toClassic(1);
    // buckets -2, -1, 0 have upper bounds 2^(-1/2), 2^0, 2^(1/2)
    assert.deepEqual(bounds, [0, 2 ** -0.5, 1, 2 ** 0.5]);
    assert.deepEqual(cumulative, [0, 1, 2, 3]);
  });

  it('negative buckets come first, mirrored, most negative first', () => {
    const s = new ExpHistogramState(0);
    s.add(point(0, [1, [4]], [0, [1, 2]], 0, 0.5));
    // negative bucket 1 covers [-4, -2), bucket 0 covers [-2, -1); zero bucket up to 0.5; positive bucket 1 (2, 4]
    assert.deepEqual(s.toClassic(1), { bounds: [-2, -1, 0.5, 4], cumulative: [2, 3, 3, 7] });
  });

  it('merges points of different scales at the smaller scale', () => {
    const s = new ExpHistogramState(2);
    s.add(point(2, [4, [1, 1, 1, 1]])); // scale 2 buckets 4..7 = scale 1 buckets 2..3 = scale 0 bucket 1
    s.add(point(0, [1, [10]]));
    assert.equal(s.scale, 0);
    assert.deepEqual(s.toClassic(1), { bounds: [0, 4], cumulative: [0, 14] });
    assert.equal(s.count, 14);
  });

  it('has no sum once a point came without one', () => {
    const s = new ExpHistogramState(0);
    s.add({ ...point(0, [0, [1]]), sum: 2 });
    assert.equal(s.sum, 2);
    s.add({ ...point(0, [0, [1]]), sum: undefined });
    assert.equal(s.sum, undefined);
    s.reset(0);
    assert.equal(s.sum, 0);
  });

  it('applies the unit scale to every bound', () => {
    const s = new ExpHistogramState(0);
    s.add(point(0, [0, [1, 1]]));
    assert.deepEqual(s.toClassic(1e-3).bounds, [0, 0.002, 0.004]);
  });

  it('downscales when the buckets span more than the maximum', () => {
    const s = new ExpHistogramState(3);
    s.add(point(3, [0, [1]]));
    s.add(point(3, [MAX_EXP_BUCKETS * 2, [1]]));
    assert.ok(s.scale < 3);
    const { cumulative } = s.toClassic(1);
    assert.equal(cumulative[cumulative.length - 1], 2);
  });
});
