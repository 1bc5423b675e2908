import type { Hono } from 'hono';
import { HttpError } from '../../platform/errors.ts';
import type { AnalysisEngine } from '../engine.ts';
import { parseSeriesFilter, parseSince } from './series-params.ts';

/** What the USE part registers as ctx.services 'use'. */
export interface UseProvider {
  forService(name: string): unknown;
}

export interface AnalysisRoutesOptions {
  engine: AnalysisEngine;
  /** Looked up per request: the USE part may start after this one. */
  use: () => UseProvider | undefined;
  now: () => number;
}

/** The analysis query API under /api/v1. */
export function registerAnalysisRoutes(app: Hono, { engine, use, now }: AnalysisRoutesOptions): void {
  app.get('/api/v1/services', (c) => c.json({ services: engine.services() }));

  app.get('/api/v1/services/:name', (c) => {
    const name = c.req.param('name');
    const detail = engine.service(name);
    const useView = use()?.forService(name) ?? null;
    if (!detail) {
      // A service that sends metrics but no spans (a worker, an exporter) still has USE.
      const instances = Array.isArray(useView) ? (useView as Array<{ lastSeenMs?: number }>) : [];
      if (instances.length === 0) throw new HttpError(404, `unknown service "${name}": no spans or USE metrics from it within the idle expiry`);
      const lastSeenMs = Math.max(...instances.map((i) => i.lastSeenMs ?? 0));
      return c.json({
        name, requests: 0, errors: 0, rateRps: null, errorRatio: null, p50Ms: null, p95Ms: null, p99Ms: null,
        instances: [], lastSeenMs, operations: [], use: useView,
      });
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
