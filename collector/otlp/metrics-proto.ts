import type { InstrumentationScope, Resource } from '../../model/resource.ts';
import { resourceFromAttributes } from '../../model/resource.ts';
import type { Metric, MetricBatch, MetricData, ResourceMetrics, ScopeMetrics } from '../../model/metrics.ts';
import { checkMetric } from './metric-checks.ts';
import { readExponentialPoint, readHistogramPoint, readNumberPoint, readSummaryPoint } from './metric-points-proto.ts';
import { readResource, readScope } from './proto-common.ts';
import { ProtoReader, WIRE_LEN, WIRE_VARINT } from './proto-reader.ts';
import { Rejections, type Decoded } from './rejections.ts';

// ExportMetricsServiceRequest (collector/metrics/v1) and metrics.proto.

/**
 * Decodes an OTLP/protobuf ExportMetricsServiceRequest. Throws InvalidInput
 * for a malformed body; drops (and counts) invalid data points.
 */
export function decodeMetricsProto(body: Uint8Array, receivedAtMs: number): Decoded<MetricBatch> {
  const r = new ProtoReader(body);
  const rej = new Rejections('data points');
  const end = body.length;
  const resourceMetrics: ResourceMetrics[] = [];
  let dataPointCount = 0;
  let ri = 0;
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'ExportMetricsServiceRequest.resource_metrics');
      const rm = readResourceMetrics(r, end, rej, ri++);
      if (rm !== null) {
        resourceMetrics.push(rm);
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) dataPointCount += m.data.points.length;
      }
    } else r.skip(end, f);
  }
  r.endMessage(end, 'ExportMetricsServiceRequest');
  return rej.result({ resourceMetrics, dataPointCount, receivedAtMs }, { proto: body });
}

/** ResourceMetrics { 1: resource, 2: scope_metrics, 3: schema_url }. */
function readResourceMetrics(r: ProtoReader, outerEnd: number, rej: Rejections, ri: number): ResourceMetrics | null {
  const end = r.len(outerEnd);
  let resource: Resource | undefined;
  const scopeMetrics: ScopeMetrics[] = [];
  let si = 0;
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'ResourceMetrics.resource');
      resource = readResource(r, end);
    } else if (f === 2) {
      r.expect(WIRE_LEN, 'ResourceMetrics.scope_metrics');
      const sm = readScopeMetrics(r, end, rej, `resource ${ri} scope ${si++}`);
      if (sm.metrics.length > 0) scopeMetrics.push(sm);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'ResourceMetrics');
  if (scopeMetrics.length === 0) return null;
  return { resource: resource ?? resourceFromAttributes({}), scopeMetrics };
}

/** ScopeMetrics { 1: scope, 2: metrics, 3: schema_url }. */
function readScopeMetrics(r: ProtoReader, outerEnd: number, rej: Rejections, where: string): ScopeMetrics {
  const end = r.len(outerEnd);
  let scope: InstrumentationScope | undefined;
  const metrics: Metric[] = [];
  let mi = 0;
  while (r.pos < end) {
    const at = r.pos;
    const f = r.tag();
    if (f === 2) {
      r.expect(WIRE_LEN, 'ScopeMetrics.metrics');
      const m = readMetric(r, end, rej, `${where} metric ${mi++}`);
      if (m === 'rejected') rej.dropField(at, r.pos);
      else if (m !== null) metrics.push(m);
    } else if (f === 1) {
      r.expect(WIRE_LEN, 'ScopeMetrics.scope');
      scope = readScope(r, end);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'ScopeMetrics');
  return { scope: scope ?? { name: '' }, metrics };
}

/** Metric: 1 name, 2 description, 3 unit, 5 gauge, 7 sum, 9 histogram, 10 exponential_histogram, 11 summary, 12 metadata. */
function readMetric(r: ProtoReader, outerEnd: number, rej: Rejections, where: string): Metric | null | 'rejected' {
  const end = r.len(outerEnd);
  let name = '';
  let description = '';
  let unit = '';
  let data: MetricData | undefined;
  while (r.pos < end) {
    const f = r.tag();
    switch (f) {
      case 1: r.expect(WIRE_LEN, 'Metric.name'); name = r.string(end); break;
      case 2: r.expect(WIRE_LEN, 'Metric.description'); description = r.string(end); break;
      case 3: r.expect(WIRE_LEN, 'Metric.unit'); unit = r.string(end); break;
      case 5: r.expect(WIRE_LEN, 'Metric.gauge'); data = readData(r, end, rej, where, 'gauge'); break;
      case 7: r.expect(WIRE_LEN, 'Metric.sum'); data = readData(r, end, rej, where, 'sum'); break;
      case 9: r.expect(WIRE_LEN, 'Metric.histogram'); data = readData(r, end, rej, where, 'histogram'); break;
      case 10: r.expect(WIRE_LEN, 'Metric.exponential_histogram'); data = readData(r, end, rej, where, 'exponentialHistogram'); break;
      case 11: r.expect(WIRE_LEN, 'Metric.summary'); data = readData(r, end, rej, where, 'summary'); break;
      default: r.skip(end, f);
    }
  }
  r.endMessage(end, 'Metric');
  return checkMetric({ name, description, unit, data }, rej, where);
}

const pointReaders = {
  gauge: readNumberPoint,
  sum: readNumberPoint,
  histogram: readHistogramPoint,
  exponentialHistogram: readExponentialPoint,
  summary: readSummaryPoint,
} as const;

/**
 * Gauge/Summary { 1: data_points }, Sum { 1, 2: aggregation_temporality, 3: is_monotonic },
 * Histogram/ExponentialHistogram { 1, 2: aggregation_temporality }. Invalid points are counted here.
 */
function readData(r: ProtoReader, outerEnd: number, rej: Rejections, where: string, type: MetricData['type']): MetricData {
  const end = r.len(outerEnd);
  const readPoint = pointReaders[type] as (r: ProtoReader, end: number) => object | string;
  const points: object[] = [];
  let temporality = 0;
  let isMonotonic = false;
  let pi = 0;
  while (r.pos < end) {
    const at = r.pos;
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, `${type}.data_points`);
      const p = readPoint(r, end);
      if (typeof p === 'string') {
        rej.reject(1, `${where} point ${pi}: ${p}`);
        rej.dropField(at, r.pos);
      } else points.push(p);
      pi++;
    } else if (f === 2 && type !== 'gauge' && type !== 'summary') {
      r.expect(WIRE_VARINT, `${type}.aggregation_temporality`);
      temporality = r.varint32();
    } else if (f === 3 && type === 'sum') {
      r.expect(WIRE_VARINT, 'Sum.is_monotonic');
      isMonotonic = r.bool();
    } else r.skip(end, f);
  }
  r.endMessage(end, type);
  switch (type) {
    case 'gauge':
    case 'summary':
      return { type, points } as MetricData;
    case 'sum':
      return { type, temporality, isMonotonic, points } as MetricData;
    default:
      return { type, temporality, points } as MetricData;
  }
}
