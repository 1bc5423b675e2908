import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
}

interface QueryLike {
  expr?: string;
  refId?: string;
  instant?: boolean;
}
interface PanelLike {
  title?: string;
  type?: string;
  targets?: QueryLike[];
  panels?: PanelLike[];
}

/** Every PromQL query of a dashboard's panels, annotations and variables. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  const title = dashboard.title ?? dashboard.uid ?? '?';
  const visit = (panels: PanelLike[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const t of panel.targets ?? []) {
        if (t.expr) out.push({ dashboard: title, panel: panel.title ?? '?', refId: t.refId ?? 'A', expr: t.expr, instant: t.instant === true });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels as PanelLike[] | undefined);
  for (const a of dashboard.annotations?.list ?? []) {
    const expr = (a as { expr?: string }).expr;
    if (expr) out.push({ dashboard: title, panel: `annotation: ${a.name}`, refId: 'annotation', expr, instant: false });
  }
  for (const v of dashboard.templating?.list ?? []) {
    const expr = v.type === 'query' ? variableQuery(v.query) : undefined;
    if (expr) out.push({ dashboard: title, panel: `variable: ${v.name}`, refId: 'variable', expr, instant: true });
  }
  return out;
}

/**
 * The query string Grafana's Prometheus variable support runs: the variable's
 * `query` as a string, or the `query` of its `{ query, refId, qryType }`
 * object; undefined when there is none (`definition` is only a label).
 */
export function variableQuery(query: unknown): string | undefined {
  if (typeof query === 'string') return query || undefined;
  const inner = (query as { query?: unknown } | undefined)?.query;
  return typeof inner === 'string' && inner !== '' ? inner : undefined;
}

/**
 * Replaces Grafana's variables with what Grafana would send for "all values"
 * over the last hour, so a query can run straight against Prometheus.
 */
export function interpolate(expr: string, vars: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    __rate_interval: '1m',
    __interval: '15s',
    __range: '1h',
    service: '.*',
    slo: '.*',
    ...vars,
  };
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => values[name] ?? whole);
}
