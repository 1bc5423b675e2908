import type { Hono } from 'hono';
import { parse as parseYaml } from 'yaml';
import { requireRole, principalOf } from '../../platform/auth/middleware.ts';
import type { TokenRegistry } from '../../platform/auth/tokens.ts';
import { ErrorCode, FaultlineError, HttpError, errorMessage } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ExperimentsConfig } from './config.ts';
import type { Redis } from 'ioredis';
import { resilienceScores, scoreHistory } from './resilience.ts';
import type { RunStore } from './run-store.ts';
import type { ChaosService } from './service.ts';
import { parseExperiment } from './spec.ts';

export interface ChaosApiDeps {
  service: ChaosService;
  store: RunStore;
  audit: AuditLog;
  tokens: TokenRegistry;
  redis: Redis;
  config: ExperimentsConfig;
}

function limitParam(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new HttpError(400, `limit: expected a whole number from 1 to 1000, got "${raw}"`);
  return n;
}

/** The chaos control API. Viewers read; operators run, schedule and halt. */
export function registerChaosRoutes(app: Hono, d: ChaosApiDeps): void {
  const viewer = requireRole(d.tokens, 'viewer');
  const operator = requireRole(d.tokens, 'operator');

  app.post('/api/v1/experiments', viewer, async (c) => {
    const text = await c.req.text();
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new HttpError(400, `body is neither JSON nor YAML: ${errorMessage(err)}`);
    }
    const experiment = parseExperiment(doc, 'request body');
    const who = principalOf(c).name;
    if (c.req.query('dryRun') === 'true') return c.json(await d.service.dryRun(experiment, who));
    if (principalOf(c).role !== 'operator') throw new HttpError(403, `running or scheduling needs the operator role; token "${who}" is a viewer`);
    const mode = c.req.query('mode') ?? (experiment.spec.schedule ? 'schedule' : 'run');
    if (mode === 'schedule') return c.json(await d.service.scheduler.schedule(experiment, who), 201);
    if (mode !== 'run') throw new HttpError(400, `mode: expected run or schedule, got "${mode}"`);
    return c.json(await d.service.start(experiment, who), 202);
  });

  app.get('/api/v1/experiments', viewer, async (c) => {
    const scheduled = await d.service.scheduler.list();
    return c.json({ scheduled, runs: await d.store.list({ limit: limitParam(c.req.query('limit'), 20) }) });
  });

  app.get('/api/v1/experiments/:id', viewer, async (c) => {
    const id = c.req.param('id');
    const run = await d.store.get(id);
    if (run) return c.json(run);
    const scheduled = (await d.service.scheduler.list()).find((s) => s.name === id);
    const runs = await d.store.list({ experiment: id, limit: 50 });
    if (!scheduled && runs.length === 0) throw new FaultlineError(ErrorCode.NotFound, `no run or experiment named ${id}`);
    return c.json({ name: id, scheduled: scheduled ?? null, runs });
  });

  app.delete('/api/v1/experiments/:name', operator, async (c) => {
    const name = c.req.param('name');
    if (!(await d.service.scheduler.unschedule(name, principalOf(c).name))) throw new FaultlineError(ErrorCode.NotFound, `no scheduled experiment named ${name}`);
    return c.json({ unscheduled: name });
  });

  app.post('/api/v1/experiments/:id/halt', operator, async (c) => {
    const halted = await d.service.halt(c.req.param('id'), principalOf(c).name);
    if (halted.length === 0 && !(await d.store.get(c.req.param('id')))) {
      throw new FaultlineError(ErrorCode.NotFound, `no running run or experiment named ${c.req.param('id')}`);
    }
    return c.json({ halting: halted });
  });

  app.get('/api/v1/runs', viewer, async (c) => {
    return c.json({ runs: await d.store.list({ experiment: c.req.query('experiment'), limit: limitParam(c.req.query('limit'), 100) }) });
  });

  app.post('/api/v1/chaos/halt', operator, async (c) => c.json(await d.service.haltAll(principalOf(c).name)));
  app.post('/api/v1/chaos/resume', operator, async (c) => {
    await d.service.resume(principalOf(c).name);
    return c.json({ resumed: true });
  });

  app.get('/api/v1/audit', viewer, async (c) => {
    const since = c.req.query('since');
    const sinceMs = since === undefined ? undefined : Number.isFinite(Number(since)) ? Number(since) : Date.parse(since);
    if (since !== undefined && !Number.isFinite(sinceMs)) throw new HttpError(400, `since: expected milliseconds or an ISO time, got "${since}"`);
    return c.json({ entries: await d.audit.list(limitParam(c.req.query('limit'), 100), sinceMs) });
  });

  app.get('/api/v1/resilience', viewer, async (c) => {
    const runs = await d.store.list({ limit: 1000 });
    const withHistory = async (kind: 'service' | 'scenario', groupOf: (r: (typeof runs)[number]) => string | undefined) =>
      Promise.all(resilienceScores(runs, d.config.resilienceWeights, groupOf).map(async (s) => ({ ...s, history: await scoreHistory(d.redis, kind, s.subject) })));
    return c.json({ weights: d.config.resilienceWeights, services: await withHistory('service', (r) => r.service), scenarios: await withHistory('scenario', (r) => r.scenario) });
  });
}
