import type { Context, Hono } from 'hono';
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

/**
 * The query of a request, refusing parameters the endpoint does not take: a
 * misspelt `?dry-run=true` must not start a real run.
 */
function query(c: Context, allowed: readonly string[]): Record<string, string | undefined> {
  const given = c.req.query();
  const unknown = Object.keys(given).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new HttpError(400, `unknown query parameter ${unknown.join(', ')} (${allowed.length ? `this endpoint takes ${allowed.join(', ')}` : 'this endpoint takes none'})`);
  }
  return given;
}

function booleanParam(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new HttpError(400, `${name}: expected true, false, 1 or 0, got "${raw}"`);
}

/** The chaos control API. Viewers read; operators run, schedule and halt. */
export function registerChaosRoutes(app: Hono, d: ChaosApiDeps): void {
  const viewer = requireRole(d.tokens, 'viewer');
  const operator = requireRole(d.tokens, 'operator');

  app.post('/api/v1/experiments', viewer, async (c) => {
    const q = query(c, ['dryRun', 'mode']);
    const dryRun = booleanParam('dryRun', q.dryRun);
    if (q.mode !== undefined && q.mode !== 'run' && q.mode !== 'schedule') throw new HttpError(400, `mode: expected run or schedule, got "${q.mode}"`);
    const text = await c.req.text();
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new HttpError(400, `body is neither JSON nor YAML: ${errorMessage(err)}`);
    }
    const experiment = parseExperiment(doc, 'request body');
    const who = principalOf(c).name;
    if (dryRun) return c.json(await d.service.dryRun(experiment, who));
    if (principalOf(c).role !== 'operator') throw new HttpError(403, `running or scheduling needs the operator role; token "${who}" is a viewer`);
    const mode = q.mode ?? (experiment.spec.schedule ? 'schedule' : 'run');
    if (mode === 'schedule') return c.json(await d.service.schedule(experiment, who), 201);
    return c.json(await d.service.start(experiment, who), 202);
  });

  app.get('/api/v1/experiments', viewer, async (c) => {
    const q = query(c, ['limit']);
    const scheduled = await d.service.scheduler.list();
    return c.json({ scheduled, runs: await d.store.list({ limit: limitParam(q.limit, 20) }) });
  });

  app.get('/api/v1/experiments/:id', viewer, async (c) => {
    query(c, []);
    const id = c.req.param('id');
    const run = await d.store.get(id);
    if (run) return c.json(run);
    const scheduled = (await d.service.scheduler.list()).find((s) => s.name === id);
    const runs = await d.store.list({ experiment: id, limit: 50 });
    if (!scheduled && runs.length === 0) throw new FaultlineError(ErrorCode.NotFound, `no run or experiment named ${id}`);
    return c.json({ name: id, scheduled: scheduled ?? null, runs });
  });

  app.delete('/api/v1/experiments/:name', operator, async (c) => {
    query(c, []);
    const name = c.req.param('name');
    if (!(await d.service.scheduler.unschedule(name, principalOf(c).name))) throw new FaultlineError(ErrorCode.NotFound, `no scheduled experiment named ${name}`);
    return c.json({ unscheduled: name });
  });

  app.post('/api/v1/experiments/:id/halt', operator, async (c) => {
    query(c, []);
    const { found, halting } = await d.service.halt(c.req.param('id'), principalOf(c).name);
    if (!found) throw new FaultlineError(ErrorCode.NotFound, `no run or experiment named ${c.req.param('id')}`);
    return c.json({ halting });
  });

  app.get('/api/v1/runs', viewer, async (c) => {
    const q = query(c, ['experiment', 'limit']);
    return c.json({ runs: await d.store.list({ experiment: q.experiment, limit: limitParam(q.limit, 100) }) });
  });

  app.post('/api/v1/chaos/halt', operator, async (c) => {
    query(c, []);
    return c.json(await d.service.haltAll(principalOf(c).name));
  });
  app.post('/api/v1/chaos/resume', operator, async (c) => {
    query(c, []);
    await d.service.resume(principalOf(c).name);
    return c.json({ resumed: true });
  });

  app.get('/api/v1/audit', viewer, async (c) => {
    const q = query(c, ['limit', 'since']);
    const since = q.since;
    const sinceMs = since === undefined ? undefined : Number.isFinite(Number(since)) ? Number(since) : Date.parse(since);
    if (since !== undefined && !Number.isFinite(sinceMs)) throw new HttpError(400, `since: expected milliseconds or an ISO time, got "${since}"`);
    return c.json({ entries: await d.audit.list(limitParam(q.limit, 100), sinceMs) });
  });

  app.get('/api/v1/resilience', viewer, async (c) => {
    query(c, []);
    const runs = await d.store.list({ limit: 1000 });
    const withHistory = async (kind: 'service' | 'scenario', groupOf: (r: (typeof runs)[number]) => string | undefined) =>
      Promise.all(resilienceScores(runs, d.config.resilienceWeights, groupOf).map(async (s) => ({ ...s, history: await scoreHistory(d.redis, kind, s.subject) })));
    return c.json({ weights: d.config.resilienceWeights, services: await withHistory('service', (r) => r.service), scenarios: await withHistory('scenario', (r) => r.scenario) });
  });
}
