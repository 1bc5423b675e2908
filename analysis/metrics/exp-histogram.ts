import type { ExponentialBuckets, ExponentialHistogramDataPoint } from '../../model/metrics.ts';

// An exponential histogram kept per series (so delta points can be summed
// into a cumulative one) and written out as classic `le` buckets. Bucket i
// of scale s covers (base^i, base^(i+1)] with base = 2^(2^-s); negative
// buckets mirror it. Points of different scales merge at the smaller scale.

/** Most buckets kept per sign; wider ranges are downscaled (halving resolution). */
export const MAX_EXP_BUCKETS = 160;

export interface ClassicBuckets {
  /** Ascending upper bounds (without +Inf). */
  bounds: number[];
  /** Cumulative counts, same length as bounds. */
  cumulative: number[];
}

export class ExpHistogramState {
  scale: number;
  count = 0;
  /** Undefined once a point came without a sum (SDKs omit it when values may be negative). */
  sum: number | undefined = 0;
  zeroCount = 0;
  zeroThreshold = 0;
  private positive = new Map<number, number>();
  private negative = new Map<number, number>();

  constructor(scale: number) {
    this.scale = scale;
  }

  /** Adds a point's counts (a delta, or the whole of a cumulative point after reset()). */
  add(p: ExponentialHistogramDataPoint): void {
    if (p.scale < this.scale) this.downscale(this.scale - p.scale);
    const shift = p.scale - this.scale;
    addBuckets(this.positive, p.positive, shift);
    addBuckets(this.negative, p.negative, shift);
    this.count += p.count;
    this.sum = this.sum === undefined || p.sum === undefined ? undefined : this.sum + p.sum;
    this.zeroCount += p.zeroCount;
    this.zeroThreshold = Math.max(this.zeroThreshold, p.zeroThreshold);
    while (span(this.positive) > MAX_EXP_BUCKETS || span(this.negative) > MAX_EXP_BUCKETS) this.downscale(1);
  }

  reset(scale: number): void {
    this.scale = scale;
    this.count = 0;
    this.sum = 0;
    this.zeroCount = 0;
    this.zeroThreshold = 0;
    this.positive.clear();
    this.negative.clear();
  }

  private downscale(by: number): void {
    this.positive = rekey(this.positive, by);
    this.negative = rekey(this.negative, by);
    this.scale -= by;
  }

  /** Classic buckets with every bound multiplied by `unitScale` (> 0). */
  toClassic(unitScale: number): ClassicBuckets {
    const exponent = Math.pow(2, -this.scale);
    const bound = (i: number) => Math.pow(2, i * exponent) * unitScale;
    const bounds: number[] = [];
    const cumulative: number[] = [];
    let acc = 0;
    const push = (le: number, n: number) => {
      acc += n;
      const last = bounds.length - 1;
      if (last >= 0 && le <= bounds[last]) cumulative[last] = acc;
      else {
        bounds.push(le);
        cumulative.push(acc);
      }
    };
    for (const i of [...this.negative.keys()].sort((a, b) => b - a)) push(-bound(i), this.negative.get(i)!);
    push(this.zeroThreshold * unitScale, this.zeroCount);
    for (const i of [...this.positive.keys()].sort((a, b) => a - b)) push(bound(i + 1), this.positive.get(i)!);
    return { bounds, cumulative };
  }
}

function addBuckets(into: Map<number, number>, from: ExponentialBuckets, shift: number): void {
  for (let k = 0; k < from.bucketCounts.length; k++) {
    const n = from.bucketCounts[k];
    if (n === 0) continue;
    // Arithmetic shift floors, which is the downscale rule for negative indexes too.
    const idx = (from.offset + k) >> shift;
    into.set(idx, (into.get(idx) ?? 0) + n);
  }
}

function rekey(m: Map<number, number>, by: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const [i, n] of m) {
    const j = i >> by;
    out.set(j, (out.get(j) ?? 0) + n);
  }
  return out;
}

function span(m: Map<number, number>): number {
  if (m.size === 0) return 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of m.keys()) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  return hi - lo + 1;
}
