import type { Attributes } from '../../model/attributes.ts';
import type {
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from '../../model/metrics.ts';
import { exponentialPointProblem, histogramPointProblem, numberPointProblem, summaryPointProblem } from './metric-checks.ts';
import { nanosToMs } from './nanos.ts';
import { readKeyValue } from './proto-common.ts';
import { ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT, invalidProto } from './proto-reader.ts';

// The data points of metrics.proto. Each reader reads the length prefix,
// decodes the point and returns it, or a string saying why it is invalid.

function time(r: ProtoReader, what: string): number {
  r.expect(WIRE_I64, what);
  const ms = nanosToMs(r.fixed64Lo(), r.fixed64Hi());
  r.skip64();
  return ms;
}

function count(r: ProtoReader, what: string): number {
  r.expect(WIRE_I64, what);
  return r.fixed64();
}

function dbl(r: ProtoReader, what: string): number {
  r.expect(WIRE_I64, what);
  return r.double();
}

/** repeated fixed64 or double: packed (LEN) or one value per tag (I64). */
function repeated64(r: ProtoReader, end: number, out: number[], asDouble: boolean, what: string): void {
  if (r.wire === WIRE_I64) {
    out.push(asDouble ? r.double() : r.fixed64());
    return;
  }
  r.expect(WIRE_LEN, what);
  const e = r.len(end);
  if ((e - r.pos) % 8 !== 0) throw invalidProto(`packed ${what} of ${e - r.pos} bytes is not a multiple of 8 (byte ${r.pos})`);
  while (r.pos < e) out.push(asDouble ? r.double() : r.fixed64());
}

/** repeated uint64: packed (LEN) or one varint per tag. */
function repeatedVarint(r: ProtoReader, end: number, out: number[], what: string): void {
  if (r.wire === WIRE_VARINT) {
    out.push(r.uint64());
    return;
  }
  r.expect(WIRE_LEN, what);
  const e = r.len(end);
  while (r.pos < e) out.push(r.uint64());
  r.endMessage(e, what);
}

/** NumberDataPoint: 7 attributes, 2 start, 3 time, 4 as_double, 6 as_int, 5 exemplars, 8 flags. */
export function readNumberPoint(r: ProtoReader, outerEnd: number): NumberDataPoint | string {
  const end = r.len(outerEnd);
  const p: NumberDataPoint = { attributes: {} as Attributes, startTimeUnixMs: 0, timeUnixMs: 0, flags: 0, value: 0, isInt: false };
  let hasValue = false;
  while (r.pos < end) {
    const f = r.tag();
    switch (f) {
      case 7: r.expect(WIRE_LEN, 'NumberDataPoint.attributes'); readKeyValue(r, end, p.attributes, 0); break;
      case 2: p.startTimeUnixMs = time(r, 'NumberDataPoint.start_time_unix_nano'); break;
      case 3: p.timeUnixMs = time(r, 'NumberDataPoint.time_unix_nano'); break;
      case 4: p.value = dbl(r, 'NumberDataPoint.as_double'); p.isInt = false; hasValue = true; break;
      case 6: r.expect(WIRE_I64, 'NumberDataPoint.as_int'); p.value = r.sfixed64(); p.isInt = true; hasValue = true; break;
      case 8: r.expect(WIRE_VARINT, 'NumberDataPoint.flags'); p.flags = r.varint32(); break;
      default: r.skip(end, f);
    }
  }
  r.endMessage(end, 'NumberDataPoint');
  return numberPointProblem(p, hasValue) || p;
}

/** HistogramDataPoint: 9 attributes, 2 start, 3 time, 4 count, 5 sum, 6 bucket_counts, 7 explicit_bounds, 10 flags, 11 min, 12 max. */
export function readHistogramPoint(r: ProtoReader, outerEnd: number): HistogramDataPoint | string {
  const end = r.len(outerEnd);
  const p: HistogramDataPoint = { attributes: {}, startTimeUnixMs: 0, timeUnixMs: 0, flags: 0, count: 0, explicitBounds: [], bucketCounts: [] };
  while (r.pos < end) {
    const f = r.tag();
    switch (f) {
      case 9: r.expect(WIRE_LEN, 'HistogramDataPoint.attributes'); readKeyValue(r, end, p.attributes, 0); break;
      case 2: p.startTimeUnixMs = time(r, 'HistogramDataPoint.start_time_unix_nano'); break;
      case 3: p.timeUnixMs = time(r, 'HistogramDataPoint.time_unix_nano'); break;
      case 4: p.count = count(r, 'HistogramDataPoint.count'); break;
      case 5: p.sum = dbl(r, 'HistogramDataPoint.sum'); break;
      case 6: repeated64(r, end, p.bucketCounts, false, 'HistogramDataPoint.bucket_counts'); break;
      case 7: repeated64(r, end, p.explicitBounds, true, 'HistogramDataPoint.explicit_bounds'); break;
      case 10: r.expect(WIRE_VARINT, 'HistogramDataPoint.flags'); p.flags = r.varint32(); break;
      case 11: p.min = dbl(r, 'HistogramDataPoint.min'); break;
      case 12: p.max = dbl(r, 'HistogramDataPoint.max'); break;
      default: r.skip(end, f);
    }
  }
  r.endMessage(end, 'HistogramDataPoint');
  return histogramPointProblem(p) || p;
}

/** ExponentialHistogramDataPoint.Buckets: 1 offset (sint32), 2 bucket_counts (repeated uint64). */
function readBuckets(r: ProtoReader, outerEnd: number, what: string): ExponentialBuckets {
  const end = r.len(outerEnd);
  const b: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_VARINT, `${what}.offset`);
      b.offset = r.sint32();
    } else if (f === 2) repeatedVarint(r, end, b.bucketCounts, `${what}.bucket_counts`);
    else r.skip(end, f);
  }
  r.endMessage(end, what);
  return b;
}

/**
 * ExponentialHistogramDataPoint: 1 attributes, 2 start, 3 time, 4 count, 5 sum, 6 scale,
 * 7 zero_count, 8 positive, 9 negative, 10 flags, 11 exemplars, 12 min, 13 max, 14 zero_threshold.
 */
export function readExponentialPoint(r: ProtoReader, outerEnd: number): ExponentialHistogramDataPoint | string {
  const end = r.len(outerEnd);
  const p: ExponentialHistogramDataPoint = {
    attributes: {}, startTimeUnixMs: 0, timeUnixMs: 0, flags: 0, count: 0, scale: 0, zeroCount: 0, zeroThreshold: 0,
    positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] },
  };
  while (r.pos < end) {
    const f = r.tag();
    switch (f) {
      case 1: r.expect(WIRE_LEN, 'ExponentialHistogramDataPoint.attributes'); readKeyValue(r, end, p.attributes, 0); break;
      case 2: p.startTimeUnixMs = time(r, 'ExponentialHistogramDataPoint.start_time_unix_nano'); break;
      case 3: p.timeUnixMs = time(r, 'ExponentialHistogramDataPoint.time_unix_nano'); break;
      case 4: p.count = count(r, 'ExponentialHistogramDataPoint.count'); break;
      case 5: p.sum = dbl(r, 'ExponentialHistogramDataPoint.sum'); break;
      case 6: r.expect(WIRE_VARINT, 'ExponentialHistogramDataPoint.scale'); p.scale = r.sint32(); break;
      case 7: p.zeroCount = count(r, 'ExponentialHistogramDataPoint.zero_count'); break;
      case 8: r.expect(WIRE_LEN, 'ExponentialHistogramDataPoint.positive'); p.positive = readBuckets(r, end, 'Buckets'); break;
      case 9: r.expect(WIRE_LEN, 'ExponentialHistogramDataPoint.negative'); p.negative = readBuckets(r, end, 'Buckets'); break;
      case 10: r.expect(WIRE_VARINT, 'ExponentialHistogramDataPoint.flags'); p.flags = r.varint32(); break;
      case 12: p.min = dbl(r, 'ExponentialHistogramDataPoint.min'); break;
      case 13: p.max = dbl(r, 'ExponentialHistogramDataPoint.max'); break;
      case 14: p.zeroThreshold = dbl(r, 'ExponentialHistogramDataPoint.zero_threshold'); break;
      default: r.skip(end, f);
    }
  }
  r.endMessage(end, 'ExponentialHistogramDataPoint');
  return exponentialPointProblem(p) || p;
}

/** SummaryDataPoint: 7 attributes, 2 start, 3 time, 4 count, 5 sum, 6 quantile_values, 8 flags. */
export function readSummaryPoint(r: ProtoReader, outerEnd: number): SummaryDataPoint | string {
  const end = r.len(outerEnd);
  const p: SummaryDataPoint = { attributes: {}, startTimeUnixMs: 0, timeUnixMs: 0, flags: 0, count: 0, sum: 0, quantileValues: [] };
  while (r.pos < end) {
    const f = r.tag();
    switch (f) {
      case 7: r.expect(WIRE_LEN, 'SummaryDataPoint.attributes'); readKeyValue(r, end, p.attributes, 0); break;
      case 2: p.startTimeUnixMs = time(r, 'SummaryDataPoint.start_time_unix_nano'); break;
      case 3: p.timeUnixMs = time(r, 'SummaryDataPoint.time_unix_nano'); break;
      case 4: p.count = count(r, 'SummaryDataPoint.count'); break;
      case 5: p.sum = dbl(r, 'SummaryDataPoint.sum'); break;
      case 6: {
        r.expect(WIRE_LEN, 'SummaryDataPoint.quantile_values');
        const qEnd = r.len(end);
        const q = { quantile: 0, value: 0 };
        while (r.pos < qEnd) {
          const qf = r.tag();
          if (qf === 1) q.quantile = dbl(r, 'ValueAtQuantile.quantile');
          else if (qf === 2) q.value = dbl(r, 'ValueAtQuantile.value');
          else r.skip(qEnd, qf);
        }
        r.endMessage(qEnd, 'ValueAtQuantile');
        p.quantileValues.push(q);
        break;
      }
      case 8: r.expect(WIRE_VARINT, 'SummaryDataPoint.flags'); p.flags = r.varint32(); break;
      default: r.skip(end, f);
    }
  }
  r.endMessage(end, 'SummaryDataPoint');
  return summaryPointProblem(p) || p;
}
