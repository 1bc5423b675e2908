import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeZodError } from '../platform/config/load.ts';
import { configSchema } from '../platform/config/schema.ts';
import { DEFAULT_DURATION_BUCKETS_MS } from './buckets.ts';

it('analysis config: defaults', () => {
  const { analysis } = configSchema.parse({});
  assert.deepEqual(analysis.durationBucketsMs, DEFAULT_DURATION_BUCKETS_MS);
  assert.equal(analysis.spanMetrics.cardinalityLimit, 10_000);
  assert.equal(analysis.spanMetrics.seriesExpiryMs, 15 * 60_000);
  assert.equal(analysis.series.stepMs, 10_000);
  assert.equal(analysis.series.retentionMs, 6 * 3_600_000);
  for (const slo of [50, 100, 200, 300, 500, 1000]) assert.ok(analysis.durationBucketsMs.includes(slo), `${slo} ms is a bucket edge`);
});

const bad: Array<[string, unknown, RegExp]> = [
  ['unknown key', { spanMetrics: { cardinality: 5 } }, /^analysis\.spanMetrics\.cardinality: unknown key$/m],
  ['buckets not ascending', { durationBucketsMs: [10, 5] }, /^analysis\.durationBucketsMs: bucket bounds must be strictly ascending$/m],
  ['zero limit', { serviceGraph: { storeMaxItems: 0 } }, /^analysis\.serviceGraph\.storeMaxItems: /m],
  ['step below 1 s', { series: { stepMs: 10 } }, /^analysis\.series\.stepMs: /m],
];
for (const [name, analysis, message] of bad) {
  it(`analysis config: ${name} is an error naming the key`, () => {
    const result = configSchema.safeParse({ analysis });
    assert.equal(result.success, false);
    assert.match(describeZodError(result.error!), message);
  });
}
