import { errorMessage } from '../platform/errors.ts';
import { interpolate, panelQueries, type PanelQuery } from './panel-queries.ts';
import type { GeneratedDashboard } from './registry.ts';

export interface QueryCheck extends PanelQuery {
  /** The query as sent to Prometheus. */
  sent: string;
  error?: string;
  /** Series (or label values, for variables) returned. */
  series: number;
}

/**
 * Runs every panel query of the dashboards against a Prometheus through its
 * HTTP API, the way Grafana would for the last hour: range queries for time
 * series, instant queries for tables and stats, label_values for variables.
 */
export async function checkDashboards(prometheusUrl: string, dashboards: GeneratedDashboard[], nowMs = Date.now()): Promise<QueryCheck[]> {
  const base = prometheusUrl.replace(/\/+$/, '');
  const results: QueryCheck[] = [];
  for (const { dashboard } of dashboards) {
    for (const q of panelQueries(dashboard)) {
      const sent = interpolate(q.expr);
      try {
        results.push({ ...q, sent, series: await run(base, q, sent, nowMs) });
      } catch (err) {
        results.push({ ...q, sent, series: 0, error: errorMessage(err) });
      }
    }
  }
  return results;
}

async function run(base: string, q: PanelQuery, sent: string, nowMs: number): Promise<number> {
  const end = nowMs / 1000;
  const labelValues = /^label_values\((.+),\s*(\w+)\)$/.exec(sent);
  let url: string;
  if (labelValues) {
    url = `${base}/api/v1/label/${labelValues[2]}/values?match[]=${encodeURIComponent(labelValues[1])}&start=${end - 3600}&end=${end}`;
  } else if (q.instant) {
    url = `${base}/api/v1/query?query=${encodeURIComponent(sent)}&time=${end}`;
  } else {
    url = `${base}/api/v1/query_range?query=${encodeURIComponent(sent)}&start=${end - 3600}&end=${end}&step=15`;
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status: string; error?: string; data?: unknown };
  if (body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
  if (labelValues) return (body.data as unknown[]).length;
  return ((body.data as { result: unknown[] }).result ?? []).length;
}
