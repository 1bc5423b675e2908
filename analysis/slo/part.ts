import { requireRole } from '../../platform/auth/middleware.ts';
import { errorMessage } from '../../platform/errors.ts';
import type { PlatformPart } from '../../platform/part.ts';
import { Notifier } from '../notify/notifier.ts';
import type { AlertTransition } from './alert-tracker.ts';
import { registerSloRoutes } from './api.ts';
import { SloCheckpoint } from './checkpoint.ts';
import { SloEngine } from './engine.ts';
import { NOTIFY_QUEUE, sloKeys } from './keys.ts';
import { loadSloDir } from './load-specs.ts';
import { registerSloMetrics } from './self-metrics.ts';
import { SliCounter } from './sli-counter.ts';
import { parseSloSpec, type SloSpec } from './spec.ts';

/**
 * The SLO part: counts SLI events from the collector's batches, evaluates
 * every SLO every 10 s, raises page/ticket alerts, notifies through BullMQ,
 * checkpoints to Redis, serves /api/v1/slos and /api/v1/alerts, and shares
 * the engine as ctx.services 'slo' (the chaos guard reads burn rates from
 * `status(name).evaluation.windows`). Starts before the collector.
 */
export function sloPart(): PlatformPart {
  const timers: NodeJS.Timeout[] = [];
  let stopFns: Array<() => Promise<void>> = [];
  return {
    name: 'slo',
    async start(ctx) {
      const cfg = ctx.config.slo;
      const log = ctx.logger.child({ part: 'slo' });
      const bucketsMs = ctx.config.analysis.durationBucketsMs;
      const prefix = cfg.redisKeyPrefix;
      const engine = new SloEngine(Date.now);

      const fileSlos = new Set<string>();
      if (cfg.dir) {
        for (const f of loadSloDir(cfg.dir, bucketsMs)) for (const spec of f.specs) { engine.upsert(spec); fileSlos.add(spec.name); }
      }
      for (const [name, json] of Object.entries(await ctx.redis.hgetall(sloKeys.apiSpecs(prefix)))) {
        if (fileSlos.has(name)) continue;
        try {
          engine.upsert(parseSloSpec(JSON.parse(json), `stored SLO ${name}`, bucketsMs));
        } catch (err) {
          log.warn({ slo: name, err: errorMessage(err) }, 'skipping a stored SLO that no longer validates');
        }
      }
      const checkpoint = new SloCheckpoint(ctx.redis, prefix);
      const saved = await checkpoint.load();
      if (saved) {
        const gone = engine.restore(saved);
        log.info({ savedAtMs: saved.savedAtMs, ageMs: Date.now() - saved.savedAtMs }, 'SLO state restored from checkpoint');
        // Their notification targets went with their spec: Alertmanager lets them expire (endsAt).
        for (const a of gone) log.warn({ slo: a.slo, severity: a.severity }, 'firing alert of an SLO that no longer exists resolved; its targets were not told');
      }
      const pruned = await checkpoint.prune(engine.runtimesList().map((rt) => rt.spec.name));
      if (pruned.length > 0) log.info({ slos: pruned }, 'dropped stored state of SLOs that no longer exist');

      const counter = new SliCounter(engine, Date.now);
      ctx.consumers.push(counter);
      ctx.services.set('slo', engine);
      const metrics = registerSloMetrics(ctx.registry, engine, counter);
      const notifier = new Notifier({
        redisUrl: ctx.redisUrl, queueName: NOTIFY_QUEUE, config: cfg.notify, logger: log,
        externalUrl: () => cfg.notify.externalUrl ?? ctx.addresses.api ?? 'http://127.0.0.1',
        counter: metrics.notifications, enqueueErrors: metrics.enqueueErrors,
      });

      const deliver = (transitions: AlertTransition[], removed?: SloSpec) => {
        for (const t of transitions) {
          const spec = engine.get(t.alert.slo)?.spec ?? (removed?.name === t.alert.slo ? removed : undefined);
          if (spec) notifier.notify([{ ...t.alert }], spec.notify);
          log.info({ slo: t.alert.slo, severity: t.alert.severity, to: t.to }, 'SLO alert');
        }
      };
      registerSloRoutes(ctx.api.app, {
        engine, bucketsMs, fileSlos,
        save: async (spec) => { await ctx.redis.hset(sloKeys.apiSpecs(prefix), spec.name, JSON.stringify(spec)); },
        changed: () => deliver(engine.evaluate()),
        remove: async (name) => {
          const spec = engine.get(name)?.spec;
          await ctx.redis.hdel(sloKeys.apiSpecs(prefix), name);
          deliver(engine.remove(name), spec);
          await checkpoint.prune(engine.runtimesList().map((rt) => rt.spec.name));
        },
        deliveries: () => notifier.status(),
        requireOperator: requireRole(ctx.auth, 'operator'),
      });

      const every = (ms: number, what: string, fn: () => unknown) => {
        const t = setInterval(() => {
          Promise.resolve().then(fn).catch((err: unknown) => log.error({ err: errorMessage(err) }, `${what} failed`));
        }, ms);
        t.unref();
        timers.push(t);
      };
      const save = async () => {
        try {
          await checkpoint.save(engine);
          metrics.checkpoints.inc({ outcome: 'saved' });
        } catch (err) {
          metrics.checkpoints.inc({ outcome: 'failed' });
          throw err;
        }
      };
      every(cfg.evaluationIntervalMs, 'SLO evaluation', () => deliver(engine.evaluate()));
      every(cfg.checkpointIntervalMs, 'SLO checkpoint', save);
      // Alertmanager forgets alerts that are not re-sent (their endsAt passes).
      every(cfg.notify.alertmanagerResendMs, 'Alertmanager re-send', () => {
        for (const alert of engine.alerts.activeAlerts()) {
          if (alert.state !== 'firing') continue;
          const targets = engine.get(alert.slo)?.spec.notify.filter((t) => t.type === 'alertmanager') ?? [];
          notifier.notify([{ ...alert }], targets);
        }
      });
      deliver(engine.evaluate());
      log.info({ slos: engine.runtimesList().length, fromDir: fileSlos.size }, 'SLO engine started');

      stopFns = [
        async () => { await save().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'final SLO checkpoint failed')); },
        () => notifier.close(),
      ];
    },
    async stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      for (const fn of stopFns) await fn();
      stopFns = [];
    },
  };
}
