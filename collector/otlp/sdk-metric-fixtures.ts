import { ValueType, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality as SdkTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics as SdkResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Attributes } from '../../model/attributes.ts';
import { AggregationTemporality, type Metric } from '../../model/metrics.ts';

// Real OpenTelemetry SDK metrics for the codec's golden tests: every point
// type the SDK makes (sum monotonic and not, gauge, explicit and exponential
// histogram), as cumulative or delta, and the model metrics they must decode
// to, computed from the SDK's own objects.

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export async function goldenMetrics(temporality: 'cumulative' | 'delta'): Promise<SdkResourceMetrics> {
  const reader = new CollectingReader({
    aggregationTemporalitySelector: () => (temporality === 'delta' ? SdkTemporality.DELTA : SdkTemporality.CUMULATIVE),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'i-1' }),
    readers: [reader],
    views: [
      { instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 20 } } },
      { instrumentName: 'latency', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [0, 5, 10] } } },
    ],
  });
  const meter = provider.getMeter('golden-meter', '0.1.0');
  const requests = meter.createCounter('requests', { unit: '{request}', description: 'Requests served', valueType: ValueType.INT });
  requests.add(5, { route: '/a' });
  requests.add(3, { route: '/b', ok: true });
  meter.createUpDownCounter('inflight', { valueType: ValueType.DOUBLE }).add(-2.5, { pool: 'db' });
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'lab' });
  meter.createObservableGauge('queue.depth', { valueType: ValueType.INT }).addCallback((r) => r.observe(42, { queue: 'q1' }));
  const latency = meter.createHistogram('latency', { unit: 'ms' });
  for (const v of [1, 7, 7, 12]) latency.record(v, { route: '/a' });
  const exp = meter.createHistogram('latency.exp', { unit: 's' });
  for (const v of [0, 0.5, 1, 2, 4, 4, 8]) exp.record(v); // histograms take no negative values
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  await provider.shutdown();
  return resourceMetrics;
}

function ms(t: HrTime): number {
  return Number(BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])) / 1e6;
}

/** The model metrics (in SDK order) that `rm` must decode to. */
export function expectedMetrics(rm: SdkResourceMetrics): Metric[] {
  return rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m): Metric => {
    const temporality = m.aggregationTemporality === SdkTemporality.DELTA ? AggregationTemporality.Delta : AggregationTemporality.Cumulative;
    const base = (p: { attributes: object; startTime: HrTime; endTime: HrTime }) => ({
      attributes: p.attributes as Attributes, startTimeUnixMs: ms(p.startTime), timeUnixMs: ms(p.endTime), flags: 0,
    });
    const head = { name: m.descriptor.name, description: m.descriptor.description, unit: m.descriptor.unit };
    const isInt = m.descriptor.valueType === ValueType.INT;
    switch (m.dataPointType) {
      case DataPointType.SUM:
        return { ...head, data: { type: 'sum', temporality, isMonotonic: m.isMonotonic, points: m.dataPoints.map((p) => ({ ...base(p), value: p.value, isInt })) } };
      case DataPointType.GAUGE:
        return { ...head, data: { type: 'gauge', points: m.dataPoints.map((p) => ({ ...base(p), value: p.value, isInt })) } };
      case DataPointType.HISTOGRAM:
        return { ...head, data: { type: 'histogram', temporality, points: m.dataPoints.map((p) => ({
          ...base(p), count: p.value.count, sum: p.value.sum, min: p.value.min, max: p.value.max,
          explicitBounds: p.value.buckets.boundaries, bucketCounts: p.value.buckets.counts,
        })) } };
      case DataPointType.EXPONENTIAL_HISTOGRAM:
        return { ...head, data: { type: 'exponentialHistogram', temporality, points: m.dataPoints.map((p) => ({
          ...base(p), count: p.value.count, sum: p.value.sum, min: p.value.min, max: p.value.max,
          scale: p.value.scale, zeroCount: p.value.zeroCount, zeroThreshold: 0,
          positive: { offset: p.value.positive.offset, bucketCounts: p.value.positive.bucketCounts },
          negative: { offset: p.value.negative.offset, bucketCounts: p.value.negative.bucketCounts },
        })) } };
    }
  }));
}
