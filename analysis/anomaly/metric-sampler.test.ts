import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, type MetricBatch, type MetricData } from '../../model/metrics.ts';
import { resourceFromAttributes } from '../../model/resource.ts';
import { OtlpMetricStore } from '../metrics/otlp-metric-store.ts';
import type { SeriesKey } from '../series/series-key.ts';
import { MetricSampler } from './metric-sampler.ts';

// The sampler on the real OTLP metric store that analysis/metrics feeds.

function batch(service: string, name: string, data: MetricData): MetricBatch {
  return {
    receivedAtMs: 0, dataPointCount: data.points.length,
    resourceMetrics: [{
      resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': 'i-1' }),
      scopeMetrics: [{ scope: { name: '' }, metrics: [{ name, description: '', unit: '1', data }] }],
    }],
  };
}
const num = (timeUnixMs: number, value: number) => ({ attributes: {}, startTimeUnixMs: 0, timeUnixMs, flags: 0, value, isInt: false });

describe('MetricSampler', () => {
  it('feeds selected gauges as they are and counters as per-second rates, once per new point, resets handled', () => {
    const clock = { ms: 0 };
    const store = new OtlpMetricStore({ seriesTtlMs: 600_000, maxSeries: 100, scopeLabels: false, now: () => clock.ms, isReservedName: () => false });
    const counter = (t: number, v: number) => batch('payments', 'jobs.done', { type: 'sum', temporality: AggregationTemporality.Cumulative, isMonotonic: true, points: [num(t, v)] });
    const gauge = (t: number, v: number) => batch('payments', 'queue.depth', { type: 'gauge', points: [num(t, v)] });
    store.consume(counter(0, 0));
    store.consume(gauge(0, 7));
    store.consume(batch('payments', 'ignored.metric', { type: 'gauge', points: [num(0, 1)] }));
    const names = [...store.families.keys()];
    const counterName = names.find((n) => n.startsWith('jobs_done'))!;
    const gaugeName = names.find((n) => n.startsWith('queue_depth'))!;
    assert.ok(counterName && gaugeName, names.join(','));

    const sampler = new MetricSampler([counterName, gaugeName, 'not_present'], 100);
    const got: Array<[SeriesKey, number, number]> = [];
    const sample = (stepMs: number) => sampler.sample(store, stepMs, (k, t, v) => got.push([k, t, v]));
    sample(0);
    assert.deepEqual(got.map(([k, , v]) => [k.signal, k.service, v]), [[gaugeName, 'payments', 7]]);
    got.length = 0;
    sample(5000); // nothing new
    assert.equal(got.length, 0);
    store.consume(counter(10_000, 500));
    sample(10_000);
    store.consume(counter(20_000, 30)); // the process restarted
    sample(20_000);
    assert.deepEqual(got.map(([k, t, v]) => [k.signal, t, v]), [[counterName, 10_000, 50], [counterName, 20_000, 3]]);
  });
});
