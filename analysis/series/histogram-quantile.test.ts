import assert from 'node:assert/strict';
import { it } from 'node:test';
import { histogramQuantile } from './histogram-quantile.ts';

const bounds = [10, 50, 100, 500];

// Expected values worked out by hand the way Prometheus' histogram_quantile does it.
const cases: Array<[string, number, number[], number]> = [
  ['empty histogram', 0.5, [0, 0, 0, 0, 0], NaN],
  ['all in first bucket interpolates from 0', 0.5, [10, 0, 0, 0, 0], 5],
  ['median in second bucket', 0.5, [2, 4, 0, 0, 0], 10 + 40 * (1 / 4)],
  ['p99 at bucket edge', 0.99, [0, 0, 100, 0, 0], 50 + 50 * 0.99],
  ['rank in +Inf bucket returns highest finite bound', 0.99, [1, 0, 0, 0, 99], 500],
  ['skips empty buckets', 0.95, [0, 0, 0, 20, 0], 100 + 400 * 0.95],
  ['exact cumulative hit ends at the bucket bound', 0.5, [5, 5, 0, 0, 0], 10],
  ['q above 1', 1.5, [1, 0, 0, 0, 0], Infinity],
  ['q below 0', -1, [1, 0, 0, 0, 0], -Infinity],
];

for (const [name, q, counts, expected] of cases) {
  it(`histogramQuantile: ${name}`, () => {
    const got = histogramQuantile(q, bounds, counts);
    if (Number.isNaN(expected)) assert.ok(Number.isNaN(got), `expected NaN, got ${got}`);
    else if (!Number.isFinite(expected)) assert.equal(got, expected);
    else assert.ok(Math.abs(got - expected) < 1e-9, `expected ${expected}, got ${got}`);
  });
}
