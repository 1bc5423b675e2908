import type { OtlpMetricStore } from './otlp-metric-store.ts';
import type { Family, Series } from './series.ts';

// Prometheus text exposition 0.0.4 of the OTLP metric store. Families are
// written in name order; each series' label set was formatted at ingest.

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function braces(labels: string, extra?: string): string {
  if (extra === undefined) return labels === '' ? '' : `{${labels}}`;
  return labels === '' ? `{${extra}}` : `{${labels},${extra}}`;
}

function renderSeries(out: string[], f: Family, s: Series): void {
  const scale = f.unitScale;
  switch (s.type) {
    case 'number':
      out.push(`${f.name}${braces(s.labels)} ${formatValue(s.value * scale)}\n`);
      return;
    case 'histogram': {
      let acc = 0;
      for (let i = 0; i < s.explicitBounds.length; i++) {
        acc += s.bucketCounts[i] ?? 0;
        out.push(`${f.name}_bucket${braces(s.labels, `le="${formatValue(s.explicitBounds[i] * scale)}"`)} ${acc}\n`);
      }
      out.push(`${f.name}_bucket${braces(s.labels, 'le="+Inf"')} ${s.count}\n`);
      if (s.sum !== undefined) out.push(`${f.name}_sum${braces(s.labels)} ${formatValue(s.sum * scale)}\n`);
      out.push(`${f.name}_count${braces(s.labels)} ${s.count}\n`);
      return;
    }
    case 'expHistogram': {
      const { bounds, cumulative } = s.state.toClassic(scale);
      for (let i = 0; i < bounds.length; i++) {
        out.push(`${f.name}_bucket${braces(s.labels, `le="${formatValue(bounds[i])}"`)} ${cumulative[i]}\n`);
      }
      out.push(`${f.name}_bucket${braces(s.labels, 'le="+Inf"')} ${s.state.count}\n`);
      if (s.state.sum !== undefined) out.push(`${f.name}_sum${braces(s.labels)} ${formatValue(s.state.sum * scale)}\n`);
      out.push(`${f.name}_count${braces(s.labels)} ${s.state.count}\n`);
      return;
    }
    case 'summary':
      for (const q of s.quantiles) {
        out.push(`${f.name}${braces(s.labels, `quantile="${formatValue(q.quantile)}"`)} ${formatValue(q.value * scale)}\n`);
      }
      out.push(`${f.name}_sum${braces(s.labels)} ${formatValue(s.sum * scale)}\n`);
      out.push(`${f.name}_count${braces(s.labels)} ${s.count}\n`);
      return;
  }
}

export function renderExposition(store: OtlpMetricStore): string {
  const out: string[] = [];
  if (store.targets.size > 0) {
    out.push('# HELP target_info Target metadata\n# TYPE target_info gauge\n');
    for (const t of store.targets.values()) out.push(`target_info${braces(t.labels)} 1\n`);
  }
  const names = [...store.families.keys()].sort();
  for (const name of names) {
    const f = store.families.get(name)!;
    if (f.series.size === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.kind}\n`);
    for (const s of f.series.values()) renderSeries(out, f, s);
  }
  return out.join('');
}
