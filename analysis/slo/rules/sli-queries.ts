import type { SliSpec, SloSpec } from '../spec.ts';

// PromQL for an SLI's error ratio over a window, over the span metrics
// Faultline (and the OpenTelemetry Collector's spanmetrics connector) export.

export const CALLS_METRIC = 'traces_span_metrics_calls_total';
export const DURATION_METRIC = 'traces_span_metrics_duration_seconds';

function quote(value: string): string {
  return JSON.stringify(value);
}

function regexAlternatives(values: string[]): string {
  // RE2 metacharacters escaped, then alternatives; label regexes are fully anchored.
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

function matchers(pairs: Array<[string, string, '=' | '=~']>): string {
  return `{${pairs.map(([k, v, op]) => `${k}${op}${quote(v)}`).join(', ')}}`;
}

function spanSelector(spec: SloSpec, sli: { operations?: string[] }, extra: Array<[string, string, '=' | '=~']> = []): string {
  const pairs: Array<[string, string, '=' | '=~']> = [
    ['service_name', spec.service, '='],
    ['span_kind', 'SPAN_KIND_SERVER', '='],
  ];
  if (sli.operations) pairs.push(['span_name', sli.operations.length === 1 ? sli.operations[0] : regexAlternatives(sli.operations), sli.operations.length === 1 ? '=' : '=~']);
  return matchers([...pairs, ...extra]);
}

/** An OTLP counter name as the OpenTelemetry-to-Prometheus rules expose it (dots to "_", "_total"). */
export function promCounterName(otlpName: string): string {
  const base = otlpName.replace(/[^a-zA-Z0-9_:]+/g, '_').replace(/__+/g, '_');
  return base.endsWith('_total') ? base : `${base}_total`;
}

function metricSelector(sel: { metric: string; labels: Record<string, string>; prometheusName?: string }): string {
  const pairs = Object.entries(sel.labels).map(([k, v]) => [k.replace(/[^a-zA-Z0-9_]+/g, '_'), v, '='] as [string, string, '=']);
  return `${sel.prometheusName ?? promCounterName(sel.metric)}${pairs.length ? matchers(pairs) : ''}`;
}

/** `{{.window}}` is replaced by the window, as in Sloth's SLI templates. */
export function errorRatioQuery(spec: SloSpec, sli: SliSpec = spec.sli): string {
  const rate = (sel: string) => `sum(rate(${sel}[{{.window}}]))`;
  switch (sli.kind) {
    case 'availability':
      // The error series exists only after the first error; `or vector(0)` keeps the ratio defined until then.
      return `(${rate(CALLS_METRIC + spanSelector(spec, sli, [['status_code', 'STATUS_CODE_ERROR', '=']]))} or vector(0))\n/\n(${rate(CALLS_METRIC + spanSelector(spec, sli))})`;
    case 'latency': {
      // Prometheus 3 stores a whole-number bound as "1.0" where 2.x keeps "1": match both.
      const seconds = sli.thresholdMs / 1000;
      const le: [string, string, '=' | '=~'] = Number.isInteger(seconds) ? ['le', `${seconds}(\\.0)?`, '=~'] : ['le', String(seconds), '='];
      const total = rate(`${DURATION_METRIC}_count${spanSelector(spec, sli)}`);
      const fast = rate(`${DURATION_METRIC}_bucket${spanSelector(spec, sli, [le])}`);
      return `(\n  ${total}\n  -\n  ${fast}\n)\n/\n(${total})`;
    }
    case 'ratio': {
      const total = rate(metricSelector(sli.total));
      if (sli.bad) return `(${rate(metricSelector(sli.bad))} or vector(0))\n/\n(${total})`;
      return `1 - (\n  (${rate(metricSelector(sli.good!))})\n  /\n  (${total})\n)`;
    }
  }
}
