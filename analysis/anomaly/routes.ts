import type { Hono } from 'hono';
import { HttpError } from '../../platform/errors.ts';
import { parseSince } from '../api/series-params.ts';
import type { AnomalyEngine } from './anomaly-engine.ts';

/** GET /api/v1/anomalies?since=&service=&limit= : anomaly events, newest first. */
export function registerAnomalyRoutes(app: Hono, engine: AnomalyEngine, now: () => number): void {
  app.get('/api/v1/anomalies', (c) => {
    const q = c.req.query();
    const sinceMs = parseSince(q.since, now());
    let limit = 500;
    if (q.limit !== undefined) {
      limit = Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new HttpError(400, `limit: expected a whole number >= 1, got "${q.limit}"`);
    }
    const service = q.service === undefined || q.service === '' ? undefined : q.service;
    const events = engine.list({ sinceMs, service }).slice(0, limit);
    return c.json({ sinceMs, events });
  });
}
