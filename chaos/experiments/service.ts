import type { AuditLog } from '../audit/audit-log.ts';
import { ExperimentScheduler } from '../scheduler/scheduler.ts';
import type { ScheduledExperiment } from '../scheduler/scheduler.ts';
import { chaosKeys } from './keys.ts';
import { initExperimentRuns } from './metrics.ts';
import type { RunRecord } from './run-record.ts';
import { newRunId, runExperiment, type RunnerDeps } from './runner.ts';
import type { Experiment } from './spec.ts';

/** What the API and the scheduler do with experiments, in one place. */
export class ChaosService {
  readonly scheduler: ExperimentScheduler;
  private readonly live = new Map<string, Promise<RunRecord>>();

  constructor(private readonly deps: RunnerDeps & { audit: AuditLog; redisUrl: string; onRunFinished?: (run: RunRecord) => Promise<void> }) {
    this.scheduler = new ExperimentScheduler(deps.redisUrl, deps.redis, {
      runNow: (experiment, meta) => this.runToEnd(experiment, meta.who, meta.scheduledForMs),
      store: deps.store,
      audit: deps.audit,
      logger: deps.logger,
      now: deps.now,
    });
  }

  /** Schedules an experiment on its cron; its run counters start at 0 now, before its first slot. */
  schedule(experiment: Experiment, who: string): Promise<ScheduledExperiment> {
    initExperimentRuns(this.deps.metrics, experiment.metadata.name);
    return this.scheduler.schedule(experiment, who);
  }

  /** Starts a run and returns its ID at once; the run goes on in this process. */
  async start(experiment: Experiment, who: string): Promise<{ runId: string }> {
    const runId = newRunId(experiment.metadata.name, (this.deps.now ?? Date.now)());
    await this.deps.audit.append({ who, action: 'run-requested', experiment: experiment.metadata.name, runId, result: 'accepted' });
    // The caller has its ID; a failure after this (Redis gone mid-run) is logged, never an unhandled rejection.
    this.runToEnd(experiment, who, undefined, runId).catch((err: unknown) => this.deps.logger.error({ err, run: runId }, 'experiment run ended without a verdict'));
    return { runId };
  }

  runToEnd(experiment: Experiment, who: string, scheduledForMs?: number, runId?: string): Promise<RunRecord> {
    // Keyed by run ID, so a shutdown can halt scheduled runs by their ID too.
    const key = runId ?? newRunId(experiment.metadata.name, (this.deps.now ?? Date.now)());
    const promise = runExperiment(experiment, { who, scheduledForMs, runId: key }, this.deps)
      .then(async (run) => {
        await this.deps.onRunFinished?.(run).catch((err: unknown) => this.deps.logger.warn({ err }, 'after-run bookkeeping failed'));
        return run;
      })
      .finally(() => this.live.delete(key));
    this.live.set(key, promise);
    return promise;
  }

  /** Resolves targets and evaluates every check now, applying nothing. */
  dryRun(experiment: Experiment, who: string): Promise<RunRecord> {
    return runExperiment(experiment, { who, dryRun: true }, this.deps);
  }

  /**
   * Halts one run (by ID) or every running run of an experiment (by name).
   * `found` is false when there is no such run or experiment (no runs, no
   * schedule); the audit entry says the same as the answer.
   */
  async halt(idOrName: string, who: string): Promise<{ found: boolean; halting: string[] }> {
    const run = await this.deps.store.get(idOrName);
    const runs = run ? [run] : await this.deps.store.list({ experiment: idOrName, limit: 100 });
    const found = runs.length > 0 || (await this.deps.redis.hexists(chaosKeys.experiments, idOrName)) === 1;
    const running = runs.filter((r) => r.status === 'running' || r.status === 'pending');
    for (const r of running) await this.deps.redis.set(chaosKeys.haltRun(r.id), who, 'EX', 3600);
    await this.deps.audit.append({
      who, action: 'halt', experiment: run?.experiment ?? idOrName, runId: run?.id,
      targets: [...new Set(running.flatMap((r) => r.targets))],
      result: !found ? 'not found' : running.length ? 'halting' : 'nothing running',
      detail: running.length ? `runs ${running.map((r) => r.id).join(', ')}` : undefined,
    });
    return { found, halting: running.map((r) => r.id) };
  }

  /**
   * Global halt: every run stops (each polls the halt generation), every
   * agent reverts every fault it holds, and schedules pause until resume.
   */
  async haltAll(who: string): Promise<{ agents: number }> {
    // Who, next to the generation: each halted run records it as haltedBy.
    await this.deps.redis.multi().set(chaosKeys.haltAllBy, who).incr(chaosKeys.haltAll).exec();
    await this.scheduler.pause();
    let agents = 0;
    let detail = '';
    try {
      agents = await this.deps.executor.revertEverything();
    } catch (err) {
      detail = (err as Error).message;
    }
    await this.deps.audit.append({ who, action: 'halt-all', result: detail ? 'partial' : 'halted', detail: detail || `${agents} agent(s) reverted everything; schedules paused` });
    return { agents };
  }

  async resume(who: string): Promise<void> {
    await this.scheduler.resume();
    await this.deps.audit.append({ who, action: 'resume', result: 'schedules resumed' });
  }

  /** IDs of the runs going on in this process. */
  liveRuns(): string[] {
    return [...this.live.keys()];
  }

  /** On shutdown: halts this process's runs (reverting their faults) and waits for them, at most `timeoutMs`. */
  async stopLocal(timeoutMs: number): Promise<void> {
    await this.scheduler.stopTaking();
    for (const id of this.live.keys()) await this.deps.redis.set(chaosKeys.haltRun(id), 'shutdown', 'EX', 3600);
    await Promise.race([Promise.allSettled([...this.live.values()]), new Promise((r) => setTimeout(r, timeoutMs))]);
    await this.scheduler.close();
  }
}
