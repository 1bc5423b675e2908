import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, type MetricBatch, type NumberDataPoint } from '../../model/metrics.ts';
import { resourceFromAttributes } from '../../model/resource.ts';
import { SpanKind, StatusCode, type Span, type TraceBatch } from '../../model/trace.ts';
import { SloEngine } from './engine.ts';
import { SliCounter } from './sli-counter.ts';
import { parseSloSpec } from './spec.ts';
import { fakeClock } from './testing.ts';

const T0 = 1_800_000_000_000;

function span(name: string, kind: SpanKind, status: StatusCode, durationMs: number): Span {
  return {
    traceId: '1'.repeat(32), spanId: '2'.repeat(16), parentSpanId: '', traceState: '', name, kind,
    startTimeUnixMs: T0, durationMs, statusCode: status, statusMessage: '', attributes: {}, events: [], links: [],
  };
}

function traces(service: string, spans: Span[]): TraceBatch {
  return {
    resourceSpans: [{ resource: resourceFromAttributes({ 'service.name': service }), scopeSpans: [{ scope: { name: 't' }, spans }] }],
    spanCount: spans.length, receivedAtMs: T0,
  };
}

function sums(points: Array<{ metric: string; value: number; attrs?: Record<string, string>; start?: number; temporality?: AggregationTemporality; flags?: number }>): MetricBatch {
  return {
    resourceMetrics: [{
      resource: resourceFromAttributes({ 'service.name': 'pay' }),
      scopeMetrics: [{
        scope: { name: 't' },
        metrics: points.map((p) => ({
          name: p.metric, description: '', unit: '1',
          data: {
            type: 'sum' as const, temporality: p.temporality ?? AggregationTemporality.Cumulative, isMonotonic: true,
            points: [{ attributes: p.attrs ?? {}, startTimeUnixMs: p.start ?? 1, timeUnixMs: T0, flags: p.flags ?? 0, value: p.value, isInt: true } satisfies NumberDataPoint],
          },
        })),
      }],
    }],
    dataPointCount: points.length, receivedAtMs: T0,
  };
}

function setup(specs: unknown[]) {
  const clock = fakeClock(T0);
  const engine = new SloEngine(clock.now);
  for (const s of specs) engine.upsert(parseSloSpec(s, 'test'));
  return { engine, counter: new SliCounter(engine, clock.now), counts: (name: string) => engine.get(name)!.events.counts(T0 + 1, 300_000) };
}

describe('SliCounter', () => {
  it('counts server spans of the service: availability, latency, chosen operations', () => {
    const { counter, counts } = setup([
      { name: 'avail', service: 'api', objective: 99, sli: { kind: 'availability' } },
      { name: 'latency', service: 'api', objective: 99, sli: { kind: 'latency', thresholdMs: 300 } },
      { name: 'cart', service: 'api', objective: 99, sli: { kind: 'availability', operations: ['GET /cart'] } },
    ]);
    counter.consumeTraces(traces('api', [
      span('GET /cart', SpanKind.Server, StatusCode.Error, 100),
      span('GET /cart', SpanKind.Server, StatusCode.Unset, 300), // exactly the threshold: good (le is inclusive)
      span('GET /home', SpanKind.Server, StatusCode.Ok, 301),
      span('SELECT', SpanKind.Client, StatusCode.Error, 900), // not a server span
    ]));
    counter.consumeTraces(traces('other', [span('GET /cart', SpanKind.Server, StatusCode.Error, 1)]));
    assert.deepEqual(counts('avail'), { bad: 1, total: 3 });
    assert.deepEqual(counts('latency'), { bad: 1, total: 3 });
    assert.deepEqual(counts('cart'), { bad: 1, total: 2 });
  });

  it('ratio SLIs: cumulative deltas with reset handling, delta sums, label matchers, good or bad', () => {
    const { counter, counts } = setup([
      { name: 'bad-ratio', service: 'pay', objective: 99, sli: { kind: 'ratio', bad: { metric: 'failed', labels: { region: 'eu' } }, total: { metric: 'attempts', labels: { region: 'eu' } } } },
      { name: 'good-ratio', service: 'pay', objective: 99, sli: { kind: 'ratio', good: { metric: 'ok' }, total: { metric: 'all' } } },
    ]);
    const eu = { region: 'eu' };
    // First sighting of series that started before us: baseline only.
    counter.consumeMetrics(sums([{ metric: 'failed', value: 5, attrs: eu }, { metric: 'attempts', value: 100, attrs: eu }, { metric: 'attempts', value: 999, attrs: { region: 'us' } }]));
    assert.deepEqual(counts('bad-ratio'), { bad: 0, total: 0 });
    counter.consumeMetrics(sums([{ metric: 'failed', value: 7, attrs: eu }, { metric: 'attempts', value: 150, attrs: eu }]));
    assert.deepEqual(counts('bad-ratio'), { bad: 2, total: 50 });
    // The producer restarted: its counters start again from zero.
    counter.consumeMetrics(sums([{ metric: 'failed', value: 1, attrs: eu, start: T0 - 5 }, { metric: 'attempts', value: 10, attrs: eu, start: T0 - 5 }]));
    assert.deepEqual(counts('bad-ratio'), { bad: 3, total: 60 });

    // Delta temporality counts each point; good events subtract from bad.
    const d = AggregationTemporality.Delta;
    counter.consumeMetrics(sums([{ metric: 'all', value: 40, temporality: d }, { metric: 'ok', value: 38, temporality: d }]));
    counter.consumeMetrics(sums([{ metric: 'all', value: 60, temporality: d }, { metric: 'ok', value: 59, temporality: d }]));
    assert.deepEqual(counts('good-ratio'), { bad: 3, total: 100 });
  });

  it('tracks at most maxSeries cumulative series and counts the rest as dropped', () => {
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(parseSloSpec({ name: 'r', service: 'pay', objective: 99, sli: { kind: 'ratio', bad: { metric: 'failed' }, total: { metric: 'attempts' } } }, 'test'));
    const counter = new SliCounter(engine, clock.now, 2);
    counter.consumeMetrics(sums([{ metric: 'attempts', value: 1, attrs: { a: '1' } }, { metric: 'attempts', value: 1, attrs: { a: '2' } }, { metric: 'attempts', value: 1, attrs: { a: '3' } }]));
    assert.equal(counter.droppedPoints, 1);
  });

  it('a series that starts after the engine counts in full', () => {
    const { counter, counts } = setup([
      { name: 'r', service: 'pay', objective: 99, sli: { kind: 'ratio', bad: { metric: 'failed' }, total: { metric: 'attempts' } } },
    ]);
    counter.consumeMetrics(sums([{ metric: 'failed', value: 2, start: T0 }, { metric: 'attempts', value: 20, start: T0 }]));
    assert.deepEqual(counts('r'), { bad: 2, total: 20 });
  });

  it('a "no recorded value" point (stale target) neither counts nor resets the baseline', () => {
    const { counter, counts } = setup([
      { name: 'r', service: 'pay', objective: 99, sli: { kind: 'ratio', bad: { metric: 'failed' }, total: { metric: 'attempts' } } },
    ]);
    counter.consumeMetrics(sums([{ metric: 'failed', value: 1000 }, { metric: 'attempts', value: 100_000 }]));
    counter.consumeMetrics(sums([{ metric: 'failed', value: 1001 }, { metric: 'attempts', value: 100_100 }]));
    counter.consumeMetrics(sums([{ metric: 'failed', value: 0, flags: 1 }, { metric: 'attempts', value: 0, flags: 1 }]));
    counter.consumeMetrics(sums([{ metric: 'failed', value: 1002 }, { metric: 'attempts', value: 100_200 }]));
    assert.deepEqual(counts('r'), { bad: 2, total: 200 });
  });
});
