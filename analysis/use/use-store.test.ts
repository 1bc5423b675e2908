import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AggregationTemporality, type MetricBatch } from '../../model/metrics.ts';
import { resourceFromAttributes } from '../../model/resource.ts';
import { SeriesStore } from '../series/series-store.ts';
import { UseStore } from './use-store.ts';

const testdata = new URL('./testdata/', import.meta.url);

describe('USE per service instance', () => {
  it('derives the golden USE signals from host-metrics and runtime-node batches, and records them as series', () => {
    // Two exports 10 s apart, as @opentelemetry/host-metrics and instrumentation-runtime-node send them.
    const batches = JSON.parse(readFileSync(new URL('use.input.json', testdata), 'utf8')) as MetricBatch[];
    const clock = { ms: 1_000_000 };
    const series = new SeriesStore({ stepMs: 10_000, retentionMs: 3_600_000, maxSeries: 1000 });
    const use = new UseStore({ instanceTtlMs: 300_000, now: () => clock.ms, sink: () => series });
    use.consume(batches[0]);
    clock.ms += 10_000;
    use.consume(batches[1]);

    const text = `${JSON.stringify(use.forService('checkout'), null, 2)}\n`;
    const goldenUrl = new URL('use.golden.json', testdata);
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenUrl, text);
    assert.equal(text, readFileSync(goldenUrl, 'utf8'));
    assert.deepEqual(use.forService('nobody'), []);

    const cpu = series.query({ service: 'checkout', signal: 'cpu_utilization', instance: 'co-1' }, 0);
    assert.equal(cpu.length, 1);
    assert.deepEqual(cpu[0].points, [[1_000_000, 0.25], [1_010_000, 0.25]]);
    const netErrors = series.query({ service: 'checkout', signal: 'network_errors_per_second' }, 0);
    assert.deepEqual(netErrors[0].points, [[1_010_000, 1.5]]);
    assert.deepEqual(series.query({ service: 'checkout', signal: 'cpu_utilization', instance: 'node-b' }, 0)[0].points.map((p) => p[1]), [0.35, 0.35]);
  });

  it('takes rates of delta counters over their own interval', () => {
    const use = new UseStore({ instanceTtlMs: 300_000, now: () => 0, sink: () => undefined });
    use.consume({
      receivedAtMs: 0, dataPointCount: 1,
      resourceMetrics: [{
        resource: resourceFromAttributes({ 'service.name': 's', 'service.instance.id': 'i' }),
        scopeMetrics: [{ scope: { name: '' }, metrics: [{ name: 'system.network.errors', description: '', unit: '{error}', data: {
          type: 'sum', temporality: AggregationTemporality.Delta, isMonotonic: true,
          points: [{ attributes: {}, startTimeUnixMs: 10_000, timeUnixMs: 15_000, flags: 0, value: 10, isInt: true }],
        } }] }],
      }],
    });
    assert.equal(use.forService('s')[0].errors.network_errors_per_second, 2);
  });

  it('lists no instance for a service whose metrics carry no USE signal', () => {
    const use = new UseStore({ instanceTtlMs: 300_000, now: () => 0, sink: () => undefined });
    use.consume({
      receivedAtMs: 0, dataPointCount: 1,
      resourceMetrics: [{
        resource: resourceFromAttributes({ 'service.name': 'worker' }),
        scopeMetrics: [{ scope: { name: '' }, metrics: [{ name: 'jobs.done', description: '', unit: '', data: {
          type: 'gauge', points: [{ attributes: {}, startTimeUnixMs: 0, timeUnixMs: 1, flags: 0, value: 1, isInt: true }],
        } }] }],
      }],
    });
    assert.deepEqual(use.forService('worker'), []);
  });

  it('forgets instances without metrics for the TTL (fake clock)', () => {
    const clock = { ms: 0 };
    const use = new UseStore({ instanceTtlMs: 1000, now: () => clock.ms, sink: () => undefined });
    const batches = JSON.parse(readFileSync(new URL('use.input.json', testdata), 'utf8')) as MetricBatch[];
    use.consume(batches[0]);
    clock.ms = 1000;
    use.expire();
    assert.equal(use.forService('checkout').length, 2);
    clock.ms = 1001;
    use.expire();
    assert.equal(use.forService('checkout').length, 0);
  });
});
