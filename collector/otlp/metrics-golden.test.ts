import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type Metric } from '../../model/metrics.ts';
import { decodeMetricsJson } from './metrics-json.ts';
import { decodeMetricsProto } from './metrics-proto.ts';
import { expectedMetrics, goldenMetrics } from './sdk-metric-fixtures.ts';

// Golden round trips: real SDK metrics, serialized by the real OTLP
// serializers, decode to exactly the model computed from the SDK's objects.

const codecs = [
  ['protobuf', ProtobufMetricsSerializer, decodeMetricsProto],
  ['JSON', JsonMetricsSerializer, decodeMetricsJson],
] as const;

for (const temporality of ['cumulative', 'delta'] as const) {
  for (const [encoding, serializer, decode] of codecs) {
    describe(`${temporality} metrics as ${encoding} from the OpenTelemetry JS serializer`, async () => {
      const sdk = await goldenMetrics(temporality);
      const { batch, rejectedItems, rejectionMessage } = decode(serializer.serializeRequest(sdk)!, 77);
      const metrics = batch.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
      const byName = new Map<string, Metric>(metrics.map((m) => [m.name, m]));

      it('accepts every point, with resource and scope', () => {
        assert.equal(rejectedItems, 0, rejectionMessage);
        assert.equal(batch.dataPointCount, 7);
        assert.equal(batch.receivedAtMs, 77);
        assert.equal(batch.resourceMetrics[0].resource.serviceName, 'checkout');
        assert.equal(batch.resourceMetrics[0].resource.serviceInstanceId, 'i-1');
        assert.deepEqual(batch.resourceMetrics[0].scopeMetrics[0].scope, { name: 'golden-meter', version: '0.1.0' });
      });

      it('decodes each metric exactly', () => assert.deepEqual(metrics, expectedMetrics(sdk)));

      it('keeps types, temporality, monotonicity and bucket data', () => {
        const want = temporality === 'delta' ? AggregationTemporality.Delta : AggregationTemporality.Cumulative;
        const requests = byName.get('requests')!.data;
        assert.ok(requests.type === 'sum');
        assert.deepEqual([requests.temporality, requests.isMonotonic, requests.points.map((p) => [p.value, p.isInt])], [want, true, [[5, true], [3, true]]]);
        const inflight = byName.get('inflight')!.data;
        assert.ok(inflight.type === 'sum' && !inflight.isMonotonic && inflight.points[0].value === -2.5 && !inflight.points[0].isInt);
        assert.equal(byName.get('temperature')!.data.type, 'gauge');
        assert.deepEqual(byName.get('queue.depth')!.data.points.map((p) => (p as { value: number }).value), [42]);
        const latency = byName.get('latency')!.data;
        assert.ok(latency.type === 'histogram');
        assert.deepEqual([latency.temporality, latency.points[0].explicitBounds, latency.points[0].bucketCounts, latency.points[0].sum, latency.points[0].count],
          [want, [0, 5, 10], [0, 1, 2, 1], 27, 4]);
        const exp = byName.get('latency.exp')!.data;
        assert.ok(exp.type === 'exponentialHistogram');
        const p = exp.points[0];
        assert.deepEqual([exp.temporality, p.count, p.zeroCount, p.min, p.max], [want, 7, 1, 0, 8]);
        assert.equal(p.positive.bucketCounts.reduce((a, b) => a + b, 0), 6);
        assert.equal(p.negative.bucketCounts.length, 0);
      });
    });
  }
}
