/**
 * The q-quantile of a histogram, interpolated linearly inside the bucket the
 * rank falls in, as Prometheus' histogram_quantile does: the first bucket
 * starts at 0, and a rank in the +Inf bucket returns the highest finite
 * bound. `counts` are per bucket (not cumulative), bounds.length + 1 of them.
 * NaN when the histogram is empty.
 */
export function histogramQuantile(q: number, bounds: readonly number[], counts: ArrayLike<number>): number {
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return NaN;
  const rank = q * total;
  let cumulative = 0;
  let b = 0;
  for (; b < counts.length - 1; b++) {
    if (cumulative + counts[b] >= rank && counts[b] > 0) break;
    cumulative += counts[b];
  }
  if (b >= bounds.length) return bounds[bounds.length - 1];
  const end = bounds[b];
  const start = b === 0 ? 0 : bounds[b - 1];
  if (b === 0 && end <= 0) return end;
  return start + (end - start) * ((rank - cumulative) / counts[b]);
}
