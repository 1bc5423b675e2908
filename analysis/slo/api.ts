import type { Hono, MiddlewareHandler } from 'hono';
import { parse as parseYaml } from 'yaml';
import { HttpError, errorMessage } from '../../platform/errors.ts';
import type { TargetStatus } from '../notify/notifier.ts';
import type { SloEngine } from './engine.ts';
import { parseSloSpec, type SloSpec } from './spec.ts';

export interface SloRoutesOptions {
  engine: SloEngine;
  bucketsMs: readonly number[];
  /** Names of SLOs from --slo-dir: the files own them, the API may not replace them. */
  fileSlos: ReadonlySet<string>;
  /** Persists an SLO created through the API (so it survives a restart). */
  save(spec: SloSpec): Promise<void>;
  /** Called after an SLO was added or replaced. */
  changed(spec: SloSpec): void;
  /** Removes an SLO created through the API: its stored spec, state and alerts. */
  remove(name: string): Promise<void>;
  deliveries(): TargetStatus[];
  /** Guard for changes (operator role). */
  requireOperator: MiddlewareHandler;
}

/** The SLO API under /api/v1: list and read SLOs, create, replace and delete them, list alerts. */
export function registerSloRoutes(app: Hono, o: SloRoutesOptions): void {
  app.get('/api/v1/slos', (c) => c.json({ slos: o.engine.statuses() }));

  app.get('/api/v1/slos/:name', (c) => {
    const name = c.req.param('name');
    const status = o.engine.status(name);
    if (!status) throw new HttpError(404, `unknown SLO "${name}"`);
    return c.json({ ...status, spec: o.engine.get(name)!.spec });
  });

  app.post('/api/v1/slos', o.requireOperator, async (c) => {
    const text = await c.req.text();
    let body: unknown;
    try {
      // JSON is YAML, so one parser takes both content types.
      body = parseYaml(text);
    } catch (err) {
      throw new HttpError(400, `request body is not valid JSON or YAML: ${errorMessage(err)}`);
    }
    const spec = parseSloSpec(body, 'request body', o.bucketsMs);
    if (o.fileSlos.has(spec.name)) {
      throw new HttpError(409, `SLO "${spec.name}" is defined in the SLO directory; change it there`);
    }
    await o.save(spec);
    const { created } = o.engine.upsert(spec);
    o.changed(spec);
    return c.json({ ...o.engine.status(spec.name), spec }, created ? 201 : 200);
  });

  app.delete('/api/v1/slos/:name', o.requireOperator, async (c) => {
    const name = c.req.param('name');
    if (o.fileSlos.has(name)) throw new HttpError(409, `SLO "${name}" is defined in the SLO directory; remove the file there`);
    if (!o.engine.get(name)) throw new HttpError(404, `unknown SLO "${name}"`);
    await o.remove(name);
    return c.json({ deleted: name });
  });

  app.get('/api/v1/alerts', (c) => c.json({
    alerts: o.engine.alerts.activeAlerts(),
    resolved: o.engine.alerts.history(),
    notifications: o.deliveries(),
  }));
}
