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
    if (!detail) throw new HttpError(404, `unknown service "${name}": no spans from it within the idle expiry`);
    const { instanceList, ...rest } = detail;
    return c.json({ ...rest, instances: instanceList, use: use()?.forService(name) ?? null });
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
