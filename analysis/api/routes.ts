import type { Hono } from 'hono';
import { HttpError } from '../../platform/errors.ts';
import type { AnalysisEngine } from '../engine.ts';
import { parseSeriesFilter, parseSince } from './series-params.ts';

/** What the USE part registers as ctx.services 'use'. */
export interface UseProvider {
  forService(name: string): unknown;
  /** Services with USE metrics. */
  services(): string[];
}

export interface AnalysisRoutesOptions {
  engine: AnalysisEngine;
  /** Looked up per request: the USE part may start after this one. */
  use: () => UseProvider | undefined;
  now: () => number;
}

/** The analysis query API under /api/v1. */
export function registerAnalysisRoutes(app: Hono, { engine, use, now }: AnalysisRoutesOptions): void {
  // A service that sends metrics but no spans (a worker, an exporter) still has USE: zero RED.
  const metricsOnly = (name: string, useView: unknown) => {
    const instances = Array.isArray(useView) ? (useView as Array<{ lastSeenMs?: number }>) : [];
    if (instances.length === 0) return undefined;
    return {
      name, requests: 0, errors: 0, rateRps: null, errorRatio: null, p50Ms: null, p95Ms: null, p99Ms: null,
      instances: instances.length, lastSeenMs: Math.max(...instances.map((i) => i.lastSeenMs ?? 0)),
    };
  };

  app.get('/api/v1/services', (c) => {
    const services: Array<{ name: string }> = engine.services();
    const seen = new Set(services.map((s) => s.name));
    const provider = use();
    for (const name of provider?.services() ?? []) {
      if (seen.has(name)) continue;
      const summary = metricsOnly(name, provider!.forService(name));
      if (summary) services.push(summary);
    }
    services.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return c.json({ services });
  });

  app.get('/api/v1/services/:name', (c) => {
    const name = c.req.param('name');
    const detail = engine.service(name);
    const useView = use()?.forService(name) ?? null;
    if (!detail) {
      const summary = metricsOnly(name, useView);
      if (!summary) throw new HttpError(404, `unknown service "${name}": no spans or USE metrics from it within the idle expiry`);
      return c.json({ ...summary, instances: [], operations: [], use: useView });
    }
    const { instanceList, ...rest } = detail;
    return c.json({ ...rest, instances: instanceList, use: useView });
  });

  app.get('/api/v1/service-graph', (c) => c.json(engine.graph()));

  app.get('/api/v1/series', (c) => {
    const query = c.req.query();
    const filter = parseSeriesFilter(query);
    const sinceMs = parseSince(query.since, now());
    if (!engine.series.services().includes(filter.service!) && !engine.service(filter.service!)) {
      throw new HttpError(404, `unknown service "${filter.service}": no series for it`);
    }
    return c.json({ sinceMs, stepMs: engine.series.stepMs, series: engine.series.query(filter, sinceMs) });
  });
}
