import type {
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricBatch,
  MetricData,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../../model/metrics.ts';
import { arr, attributes, bool, dbl, enumValue, field, int64, obj, parseJsonBody, resource, scope, str, uint64LoHi, type Json } from './json-common.ts';
import { checkMetric, exponentialPointProblem, histogramPointProblem, numberPointProblem, summaryPointProblem } from './metric-checks.ts';
import { nanosToMs } from './nanos.ts';
import { Rejections, type Decoded } from './rejections.ts';

// OTLP/JSON ExportMetricsServiceRequest into the model, with the same point
// rules as the protobuf decoder (metric-checks.ts).

const TEMPORALITIES = ['AGGREGATION_TEMPORALITY_UNSPECIFIED', 'AGGREGATION_TEMPORALITY_DELTA', 'AGGREGATION_TEMPORALITY_CUMULATIVE'];

export function decodeMetricsJson(body: Uint8Array | string, receivedAtMs: number): Decoded<MetricBatch> {
  const root = parseJsonBody(body);
  const rej = new Rejections('data points');
  const resourceMetrics: ResourceMetrics[] = [];
  let dataPointCount = 0;
  const rmList = arr(field(root, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics');
  for (let ri = 0; ri < rmList.length; ri++) {
    const rPath = `resourceMetrics[${ri}]`;
    const rm = obj(rmList[ri], rPath);
    if (rm === undefined) continue;
    const scopeMetrics: ScopeMetrics[] = [];
    const smList = arr(field(rm, 'scopeMetrics', 'scope_metrics'), `${rPath}.scopeMetrics`);
    for (let si = 0; si < smList.length; si++) {
      const sPath = `${rPath}.scopeMetrics[${si}]`;
      const sm = obj(smList[si], sPath);
      if (sm === undefined) continue;
      const metrics: Metric[] = [];
      const mList = arr(sm.metrics, `${sPath}.metrics`);
      for (let mi = 0; mi < mList.length; mi++) {
        const mPath = `${sPath}.metrics[${mi}]`;
        const m = readMetric(obj(mList[mi], mPath) ?? {}, mPath, rej, `resource ${ri} scope ${si} metric ${mi}`);
        if (m === 'rejected') rej.dropItem(mList, mi);
        else if (m !== null) {
          metrics.push(m);
          dataPointCount += m.data.points.length;
        }
      }
      if (metrics.length > 0) scopeMetrics.push({ scope: scope(sm.scope, `${sPath}.scope`), metrics });
    }
    if (scopeMetrics.length > 0) resourceMetrics.push({ resource: resource(rm.resource, `${rPath}.resource`), scopeMetrics });
  }
  return rej.result({ resourceMetrics, dataPointCount, receivedAtMs }, { json: root });
}

function readMetric(m: Json, path: string, rej: Rejections, where: string): Metric | null | 'rejected' {
  let data: MetricData | undefined;
  let d: Json | undefined;
  const points = <T extends object>(read: (p: Json, path: string) => T | string, dPath: string): T[] => {
    const out: T[] = [];
    const list = arr(field(d!, 'dataPoints', 'data_points'), `${dPath}.dataPoints`);
    for (let i = 0; i < list.length; i++) {
      const p = read(obj(list[i], `${dPath}.dataPoints[${i}]`) ?? {}, `${dPath}.dataPoints[${i}]`);
      if (typeof p === 'string') {
        rej.reject(1, `${where} point ${i}: ${p}`);
        rej.dropItem(list, i);
      } else out.push(p);
    }
    return out;
  };
  const temporality = (dPath: string) => enumValue(field(d!, 'aggregationTemporality', 'aggregation_temporality'), TEMPORALITIES, `${dPath}.aggregationTemporality`);
  if ((d = obj(m.gauge, `${path}.gauge`)) !== undefined) {
    data = { type: 'gauge', points: points(numberPoint, `${path}.gauge`) };
  } else if ((d = obj(m.sum, `${path}.sum`)) !== undefined) {
    data = {
      type: 'sum', temporality: temporality(`${path}.sum`),
      isMonotonic: bool(field(d, 'isMonotonic', 'is_monotonic'), `${path}.sum.isMonotonic`), points: points(numberPoint, `${path}.sum`),
    };
  } else if ((d = obj(m.histogram, `${path}.histogram`)) !== undefined) {
    data = { type: 'histogram', temporality: temporality(`${path}.histogram`), points: points(histogramPoint, `${path}.histogram`) };
  } else if ((d = obj(field(m, 'exponentialHistogram', 'exponential_histogram'), `${path}.exponentialHistogram`)) !== undefined) {
    data = { type: 'exponentialHistogram', temporality: temporality(`${path}.exponentialHistogram`), points: points(exponentialPoint, `${path}.exponentialHistogram`) };
  } else if ((d = obj(m.summary, `${path}.summary`)) !== undefined) {
    data = { type: 'summary', points: points(summaryPoint, `${path}.summary`) };
  }
  const name = str(m.name, `${path}.name`);
  return checkMetric({ name, description: str(m.description, `${path}.description`), unit: str(m.unit, `${path}.unit`), data }, rej, where);
}

function base(p: Json, path: string) {
  const [sLo, sHi] = uint64LoHi(field(p, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`);
  const [tLo, tHi] = uint64LoHi(field(p, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`);
  return {
    attributes: attributes(p.attributes, `${path}.attributes`),
    startTimeUnixMs: nanosToMs(sLo, sHi),
    timeUnixMs: nanosToMs(tLo, tHi),
    flags: int64(p.flags, `${path}.flags`),
  };
}

function optionalDbl(p: Json, key: string, path: string): number | undefined {
  return p[key] === undefined || p[key] === null ? undefined : dbl(p[key], `${path}.${key}`);
}

function numberPoint(p: Json, path: string): NumberDataPoint | string {
  const asInt = field(p, 'asInt', 'as_int');
  const asDouble = field(p, 'asDouble', 'as_double');
  const hasValue = (asInt ?? asDouble) !== undefined && (asInt ?? asDouble) !== null;
  const isInt = asInt !== undefined && asInt !== null;
  const point: NumberDataPoint = {
    ...base(p, path),
    value: isInt ? int64(asInt, `${path}.asInt`) : dbl(asDouble, `${path}.asDouble`),
    isInt,
  };
  return numberPointProblem(point, hasValue) || point;
}

function histogramPoint(p: Json, path: string): HistogramDataPoint | string {
  const point: HistogramDataPoint = {
    ...base(p, path),
    count: int64(p.count, `${path}.count`),
    sum: optionalDbl(p, 'sum', path),
    min: optionalDbl(p, 'min', path),
    max: optionalDbl(p, 'max', path),
    explicitBounds: arr(field(p, 'explicitBounds', 'explicit_bounds'), `${path}.explicitBounds`).map((v, i) => dbl(v, `${path}.explicitBounds[${i}]`)),
    bucketCounts: arr(field(p, 'bucketCounts', 'bucket_counts'), `${path}.bucketCounts`).map((v, i) => int64(v, `${path}.bucketCounts[${i}]`)),
  };
  for (const k of ['sum', 'min', 'max'] as const) if (point[k] === undefined) delete point[k];
  return histogramPointProblem(point) || point;
}

function buckets(v: unknown, path: string): ExponentialBuckets {
  const b = obj(v, path) ?? {};
  return {
    offset: int64(b.offset, `${path}.offset`),
    bucketCounts: arr(field(b, 'bucketCounts', 'bucket_counts'), `${path}.bucketCounts`).map((c, i) => int64(c, `${path}.bucketCounts[${i}]`)),
  };
}

function exponentialPoint(p: Json, path: string): ExponentialHistogramDataPoint | string {
  const point: ExponentialHistogramDataPoint = {
    ...base(p, path),
    count: int64(p.count, `${path}.count`),
    sum: optionalDbl(p, 'sum', path),
    min: optionalDbl(p, 'min', path),
    max: optionalDbl(p, 'max', path),
    scale: int64(p.scale, `${path}.scale`),
    zeroCount: int64(field(p, 'zeroCount', 'zero_count'), `${path}.zeroCount`),
    zeroThreshold: dbl(field(p, 'zeroThreshold', 'zero_threshold'), `${path}.zeroThreshold`),
    positive: buckets(p.positive, `${path}.positive`),
    negative: buckets(p.negative, `${path}.negative`),
  };
  for (const k of ['sum', 'min', 'max'] as const) if (point[k] === undefined) delete point[k];
  return exponentialPointProblem(point) || point;
}

function summaryPoint(p: Json, path: string): SummaryDataPoint | string {
  const point: SummaryDataPoint = {
    ...base(p, path),
    count: int64(p.count, `${path}.count`),
    sum: dbl(p.sum, `${path}.sum`),
    quantileValues: arr(field(p, 'quantileValues', 'quantile_values'), `${path}.quantileValues`).map((v, i) => {
      const q = obj(v, `${path}.quantileValues[${i}]`) ?? {};
      return { quantile: dbl(q.quantile, `${path}.quantileValues[${i}].quantile`), value: dbl(q.value, `${path}.quantileValues[${i}].value`) };
    }),
  };
  return summaryPointProblem(point) || point;
}
