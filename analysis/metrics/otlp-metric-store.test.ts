import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AggregationTemporality, type MetricBatch, type MetricData } from '../../model/metrics.ts';
import { resourceFromAttributes } from '../../model/resource.ts';
import { OtlpMetricStore, type DropReason } from './otlp-metric-store.ts';
import { renderExposition } from './render.ts';

const testdata = new URL('./testdata/', import.meta.url);

function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function makeStore(clock: { ms: number }, drops: Array<[DropReason, number]> = [], extra: Partial<ConstructorParameters<typeof OtlpMetricStore>[0]> = {}) {
  return new OtlpMetricStore({
    seriesTtlMs: 300_000, maxSeries: 1000, scopeLabels: true, now: () => clock.ms,
    isReservedName: (n) => n === 'process_cpu_seconds_total',
    onDrop: (reason, n) => drops.push([reason, n]),
    ...extra,
  });
}

function batch(service: string, name: string, unit: string, data: MetricData, instance = 'i-1'): MetricBatch {
  return {
    receivedAtMs: 0, dataPointCount: data.points.length,
    resourceMetrics: [{
      resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': instance }),
      scopeMetrics: [{ scope: { name: '' }, metrics: [{ name, description: '', unit, data }] }],
    }],
  };
}

const num = (timeUnixMs: number, value: number, attributes = {}) => ({ attributes, startTimeUnixMs: 0, timeUnixMs, flags: 0, value, isInt: false });

describe('OTLP metrics exposition', () => {
  it('renders the golden input as the golden exposition, and promtool accepts it', () => {
    const input = JSON.parse(readFileSync(new URL('otlp-metrics.input.json', testdata), 'utf8')) as MetricBatch;
    const drops: Array<[DropReason, number]> = [];
    const store = makeStore({ ms: 1000 }, drops);
    store.consume(input);
    const text = renderExposition(store);
    const goldenUrl = new URL('otlp-metrics.golden.prom', testdata);
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenUrl, text);
    assert.equal(text, readFileSync(goldenUrl, 'utf8'));
    assert.deepEqual(drops, [['reserved_name', 1], ['name_conflict', 1]]);
    const check = promtoolCheck(text);
    assert.equal(check.status, 0, check.output);
  });

  it('accumulates delta sums into a cumulative counter and drops stale deltas', () => {
    const drops: Array<[DropReason, number]> = [];
    const store = makeStore({ ms: 0 }, drops);
    const delta = (t: number, v: number) => batch('svc', 'jobs.done', '{job}',
      { type: 'sum', temporality: AggregationTemporality.Delta, isMonotonic: true, points: [num(t, v)] });
    store.consume(delta(1000, 3));
    store.consume(delta(2000, 4));
    store.consume(delta(2000, 100)); // same time again: a retry, not new counts
    store.consume(delta(3000, 5));
    assert.match(renderExposition(store), /^jobs_done_total\{job="svc",instance="i-1"\} 12$/m);
    assert.deepEqual(drops, [['out_of_order', 1]]);
  });

  it('accumulates delta histograms and restarts when the bounds change', () => {
    const drops: Array<[DropReason, number]> = [];
    const store = makeStore({ ms: 0 }, drops);
    const h = (t: number, bounds: number[], counts: number[]) => batch('svc', 'rpc.duration', 's', {
      type: 'histogram', temporality: AggregationTemporality.Delta,
      points: [{ attributes: {}, startTimeUnixMs: 0, timeUnixMs: t, flags: 0, count: counts.reduce((a, b) => a + b, 0), sum: 1, explicitBounds: bounds, bucketCounts: counts }],
    });
    store.consume(h(1000, [0.1, 1], [1, 1, 0]));
    store.consume(h(2000, [0.1, 1], [2, 0, 1]));
    let text = renderExposition(store);
    assert.match(text, /^rpc_duration_seconds_bucket\{job="svc",instance="i-1",le="0.1"\} 3$/m);
    assert.match(text, /^rpc_duration_seconds_bucket\{job="svc",instance="i-1",le="1"\} 4$/m);
    assert.match(text, /^rpc_duration_seconds_count\{job="svc",instance="i-1"\} 5$/m);
    assert.match(text, /^rpc_duration_seconds_sum\{job="svc",instance="i-1"\} 2$/m);
    store.consume(h(3000, [0.5], [1, 0]));
    text = renderExposition(store);
    assert.match(text, /^rpc_duration_seconds_bucket\{job="svc",instance="i-1",le="0.5"\} 1$/m);
    assert.match(text, /^rpc_duration_seconds_count\{job="svc",instance="i-1"\} 1$/m);
    assert.deepEqual(drops, [['bounds_changed', 1]]);
  });

  it('replaces cumulative points rather than adding them', () => {
    const store = makeStore({ ms: 0 });
    const c = (t: number, v: number) => batch('svc', 'net.sent', 'KBy',
      { type: 'sum', temporality: AggregationTemporality.Cumulative, isMonotonic: true, points: [num(t, v)] });
    store.consume(c(1000, 2));
    store.consume(c(2000, 5));
    assert.match(renderExposition(store), /^net_sent_bytes_total\{job="svc",instance="i-1"\} 5000$/m);
  });

  it('adds _ratio to unit "1" gauges only, not to non-monotonic sums (as the Collector and Prometheus translate them)', () => {
    const store = makeStore({ ms: 0 });
    store.consume(batch('svc', 'pool.usage', '1', { type: 'gauge', points: [num(1000, 0.5)] }));
    store.consume(batch('svc', 'queue.depth', '1', { type: 'sum', temporality: AggregationTemporality.Cumulative, isMonotonic: false, points: [num(1000, 7)] }));
    const text = renderExposition(store);
    assert.match(text, /^pool_usage_ratio\{job="svc",instance="i-1"\} 0\.5$/m);
    assert.match(text, /^# TYPE queue_depth gauge$/m);
    assert.match(text, /^queue_depth\{job="svc",instance="i-1"\} 7$/m);
  });

  it('expires series, families and target_info after the TTL (fake clock)', () => {
    const clock = { ms: 0 };
    const store = makeStore(clock);
    const g = (service: string) => batch(service, 'queue.depth', '{item}', { type: 'gauge', points: [num(1, 1)] });
    store.consume(g('a'));
    clock.ms = 200_000;
    store.consume(g('b'));
    clock.ms = 300_000; // a is exactly at the TTL: kept
    store.expire();
    assert.equal(store.size, 2);
    clock.ms = 300_001;
    store.expire();
    assert.equal(store.size, 1);
    const text = renderExposition(store);
    assert.doesNotMatch(text, /job="a"/);
    assert.match(text, /^target_info\{job="b",instance="i-1"\} 1$/m);
    clock.ms = 600_000;
    store.expire();
    assert.equal(renderExposition(store), '');
    assert.equal(store.families.size, 0);
  });

  it('lets a metric in once the family it conflicted with has expired', () => {
    const clock = { ms: 0 };
    const drops: Array<[DropReason, number]> = [];
    const store = makeStore(clock, drops);
    store.consume(batch('svc', 'latency', 's', { type: 'gauge', points: [num(1, 1)] }));
    store.consume(batch('svc', 'latency', 'ms', { type: 'gauge', points: [num(1, 250)] }));
    assert.deepEqual(drops, [['name_conflict', 1]]);
    clock.ms = 400_000;
    store.expire();
    store.consume(batch('svc', 'latency', 'ms', { type: 'gauge', points: [num(2, 250)] }));
    assert.match(renderExposition(store), /^latency_seconds\{job="svc",instance="i-1"\} 0.25$/m);
  });

  it('counts points of new series beyond maxSeries instead of storing them', () => {
    const drops: Array<[DropReason, number]> = [];
    const store = makeStore({ ms: 0 }, drops, { maxSeries: 2 });
    store.consume(batch('svc', 'temp', 'Cel', { type: 'gauge', points: [num(1, 1, { n: 1 }), num(1, 2, { n: 2 }), num(1, 3, { n: 3 })] }));
    store.consume(batch('svc', 'temp', 'Cel', { type: 'gauge', points: [num(2, 5, { n: 1 })] }));
    assert.equal(store.size, 2);
    assert.deepEqual(drops, [['series_limit', 1]]);
    assert.match(renderExposition(store), /^temp_celsius\{job="svc",instance="i-1",n="1"\} 5$/m);
  });

  it('refuses names the platform registry already has', () => {
    const drops: Array<[DropReason, number]> = [];
    const store = makeStore({ ms: 0 }, drops);
    store.consume(batch('svc', 'process.cpu', 's', { type: 'sum', temporality: AggregationTemporality.Cumulative, isMonotonic: true, points: [num(1, 1)] }));
    assert.deepEqual(drops, [['reserved_name', 1]]);
  });

  it('removes a series whose point says no recorded value', () => {
    const store = makeStore({ ms: 0 });
    store.consume(batch('svc', 'g', '', { type: 'gauge', points: [num(1, 1)] }));
    store.consume(batch('svc', 'g', '', { type: 'gauge', points: [{ ...num(2, 0), flags: 1 }] }));
    assert.equal(store.size, 0);
  });
});
