// Helpers for the Prometheus text format 0.0.4, written by hand because
// prom-client's per-series objects are too slow at 100,000 series.

/** A label value with backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

/** `a="x",b="y"` for the given pairs, in order. */
export function labelPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
}

/** A sample value: integers as integers, special values as Prometheus spells them. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function familyHeader(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}

/**
 * Pre-rendered `,le="..."}` suffixes for a histogram's buckets in seconds
 * (bounds given in ms), the last being +Inf.
 */
export function leSuffixesSeconds(boundsMs: readonly number[]): string[] {
  return [...boundsMs.map((b) => `le="${formatValue(b / 1000)}"}`), 'le="+Inf"}'];
}

/**
 * Appends the `_bucket`, `_sum` and `_count` lines of one histogram series.
 * `labels` is the rendered label pairs without braces ('' for none).
 */
export function pushHistogramSeconds(
  out: string[],
  name: string,
  labels: string,
  leSuffixes: readonly string[],
  counts: Float64Array,
  sumMs: number,
  count: number,
): void {
  const open = labels === '' ? `${name}_bucket{` : `${name}_bucket{${labels},`;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i];
    out.push(`${open}${leSuffixes[i]} ${cumulative}\n`);
  }
  const braces = labels === '' ? '' : `{${labels}}`;
  out.push(`${name}_sum${braces} ${formatValue(sumMs / 1000)}\n${name}_count${braces} ${count}\n`);
}
