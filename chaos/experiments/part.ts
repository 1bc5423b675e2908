import { hostname } from 'node:os';
import type { PlatformContext, PlatformPart } from '../../platform/part.ts';
import { AgentClient } from '../agent/client.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { Governor } from '../governor/governor.ts';
import { AgentFaultExecutor } from './agent-executor.ts';
import { registerChaosRoutes } from './api.ts';
import { loadExperimentDir } from './experiment-dir.ts';
import { createChaosMetrics, initExperimentRuns } from './metrics.ts';
import { platformSources } from './platform-sources.ts';
import { recordScore, resilienceScores } from './resilience.ts';
import type { RunRecord } from './run-record.ts';
import { RunStore } from './run-store.ts';
import { ChaosService } from './service.ts';

/** How long runs in this process get to revert their faults on shutdown. */
const SHUTDOWN_REVERT_MS = 5000;

/**
 * Chaos experiments in `faultline up`: the scheduler's worker, the control
 * API, the run store, the governor and the metrics. Faults are applied by
 * agents (`faultline agent`, or the one a scenario runner embeds).
 */
export function experimentsPart(): PlatformPart {
  let client: AgentClient | undefined;
  let service: ChaosService | undefined;
  let refresh: NodeJS.Timeout | undefined;
  return {
    name: 'experiments',
    async start(ctx: PlatformContext) {
      const config = ctx.config.experiments;
      // GitOps files are checked before anything starts: a bad one stops start-up, naming it.
      const files = config.dir ? loadExperimentDir(config.dir) : [];
      const metrics = createChaosMetrics(ctx.registry);
      client = new AgentClient(ctx.redisUrl);
      const store = new RunStore(ctx.redis);
      const audit = new AuditLog(ctx.redis);
      const updateScores = async (run?: RunRecord) => {
        const runs = await store.list({ limit: 1000 });
        const now = Date.now();
        for (const s of resilienceScores(runs, config.resilienceWeights, (r) => r.service)) {
          if (s.score !== null) metrics.resilience.set({ service: s.subject }, s.score);
          if (run && s.subject === run.service) await recordScore(ctx.redis, 'service', s, now);
        }
        for (const s of resilienceScores(runs, config.resilienceWeights, (r) => r.scenario)) {
          if (s.score !== null) metrics.resilienceScenario.set({ scenario: s.subject }, s.score);
          if (run && s.subject === run.scenario) await recordScore(ctx.redis, 'scenario', s, now);
        }
      };
      service = new ChaosService({
        redis: ctx.redis,
        redisUrl: ctx.redisUrl,
        executor: new AgentFaultExecutor(ctx.redis, client),
        governor: new Governor(ctx.redis, ctx.config.governor),
        sources: platformSources(ctx),
        store,
        audit,
        metrics,
        logger: ctx.logger.child({ part: 'experiments' }),
        ownerId: `${hostname()}:${process.pid}`,
        onRunFinished: (run) => updateScores(run),
      });
      // Runs whose process died (its owner lease ended) are recorded as interrupted,
      // at start-up and then every few seconds, whichever process notices first.
      const sweep = async () => {
        for (const run of await store.markInterrupted()) {
          ctx.logger.warn({ run: run.id, experiment: run.experiment }, 'run recorded as interrupted: the process running it stopped');
          initExperimentRuns(metrics, run.experiment);
          metrics.runs.inc({ experiment: run.experiment, verdict: 'interrupted' });
          await audit.append({ who: 'recovery', action: 'interrupted', experiment: run.experiment, runId: run.id, targets: run.targets, result: 'interrupted', detail: run.reason });
        }
      };
      await sweep();
      await updateScores();
      // Every experiment this platform knows starts its run counters at 0, so the next run's increment shows in increase().
      const known = [
        ...(await store.list({ limit: 1000 })).map((r) => r.experiment),
        ...(await service.scheduler.list()).map((s) => s.name),
        ...files.map((f) => f.experiment.metadata.name),
      ];
      for (const name of new Set(known)) initExperimentRuns(metrics, name);
      service.scheduler.start(config.workerConcurrency);
      for (const f of files) {
        if (f.experiment.spec.schedule) await service.schedule(f.experiment, `file:${f.path}`);
      }
      registerChaosRoutes(ctx.api.app, { service, store, audit, tokens: ctx.auth, redis: ctx.redis, config });
      // Anomaly events name the experiments active on a service at a time.
      let recent: RunRecord[] = [];
      const reload = () => {
        void store.list({ limit: 200 }).then((r) => { recent = r; }, () => {});
        sweep().catch((err: unknown) => ctx.logger.warn({ err }, 'interrupted-run sweep failed'));
        // Runs finished by other processes move this process's score gauges too.
        updateScores().catch((err: unknown) => ctx.logger.warn({ err }, 'resilience score refresh failed'));
      };
      reload();
      refresh = setInterval(reload, 5000);
      refresh.unref();
      ctx.services.set('chaos', service);
      ctx.services.set('chaos-activity', {
        activeOn(serviceName: string, atMs: number): string[] {
          return recent
            .filter((r) => r.service === serviceName && r.applied && (r.startedAtMs ?? Infinity) <= atMs && (r.endedAtMs ?? Infinity) >= atMs)
            .map((r) => r.experiment);
        },
      });
    },
    async stop() {
      if (refresh) clearInterval(refresh);
      await service?.stopLocal(SHUTDOWN_REVERT_MS);
      await client?.close();
    },
  };
}
