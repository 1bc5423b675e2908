import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { bullConnection } from '../../platform/redis/bull-connection.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { chaosKeys } from '../experiments/keys.ts';
import type { RunRecord } from '../experiments/run-record.ts';
import type { RunStore } from '../experiments/run-store.ts';
import { parseExperiment, type Experiment } from '../experiments/spec.ts';

/** BullMQ queue of scheduled experiment runs (BullMQ forbids ':' in names). */
export const EXPERIMENTS_QUEUE = 'faultline-experiments';

export type RunNow = (experiment: Experiment, meta: { who: string; scheduledForMs?: number }) => Promise<RunRecord>;

export interface ScheduledExperiment {
  name: string;
  cron: string;
  timezone?: string;
  next?: number;
  /** Absent when the stored document no longer validates (see `error`). */
  experiment?: Experiment;
  /** Why the stored document is not valid any more (after an upgrade); its slots are skipped. */
  error?: string;
}

/**
 * Cron experiments on BullMQ job schedulers. Any number of Faultline
 * processes may run this: the job scheduler creates one job per slot and
 * one worker takes it, so each scheduled run happens once. A slot whose job
 * starts later than startingDeadlineSeconds is skipped (no catch-up), and
 * concurrencyPolicy Forbid skips a slot while the previous run goes on.
 */
export class ExperimentScheduler {
  private readonly queue: Queue;
  private worker?: Worker;

  constructor(
    private readonly redisUrl: string,
    private readonly redis: Redis,
    private readonly deps: { runNow: RunNow; store: RunStore; audit: AuditLog; logger: Logger; now?: () => number },
  ) {
    this.queue = new Queue(EXPERIMENTS_QUEUE, { connection: bullConnection(redisUrl) });
  }

  /** Starts taking scheduled runs. `concurrency` runs may go on at once in this process. */
  start(concurrency = 4): void {
    this.worker = new Worker(EXPERIMENTS_QUEUE, (job) => this.process(job), {
      connection: bullConnection(this.redisUrl),
      concurrency,
      // A run whose process died is not re-run: its faults ended with their
      // leases and it is recorded as interrupted on restart.
      maxStalledCount: 0,
      lockDuration: 60_000,
    });
    this.worker.on('error', (err) => this.deps.logger.warn({ err: err.message }, 'experiment worker error'));
  }

  async schedule(experiment: Experiment, who: string): Promise<ScheduledExperiment> {
    const schedule = experiment.spec.schedule;
    if (!schedule) throw new FaultlineError(ErrorCode.InvalidInput, 'spec.schedule: required to schedule an experiment');
    const name = experiment.metadata.name;
    await this.redis.hset(chaosKeys.experiments, name, JSON.stringify(experiment));
    try {
      await this.queue.upsertJobScheduler(
        name,
        { pattern: schedule.cron, ...(schedule.timezone ? { tz: schedule.timezone } : {}) },
        { name: 'scheduled-run', data: { experiment: name }, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
      );
    } catch (err) {
      await this.redis.hdel(chaosKeys.experiments, name);
      throw new FaultlineError(ErrorCode.InvalidInput, `spec.schedule.cron: ${errorMessage(err)}`);
    }
    await this.deps.audit.append({ who, action: 'schedule', experiment: name, result: 'scheduled', detail: schedule.cron });
    return (await this.list()).find((s) => s.name === name)!;
  }

  async unschedule(name: string, who: string): Promise<boolean> {
    const removed = await this.queue.removeJobScheduler(name);
    const deleted = await this.redis.hdel(chaosKeys.experiments, name);
    if (removed || deleted) await this.deps.audit.append({ who, action: 'unschedule', experiment: name, result: 'removed' });
    return removed || deleted > 0;
  }

  async list(): Promise<ScheduledExperiment[]> {
    const [schedulers, definitions] = await Promise.all([this.queue.getJobSchedulers(0, -1, true), this.redis.hgetall(chaosKeys.experiments)]);
    const out: ScheduledExperiment[] = [];
    for (const [name, text] of Object.entries(definitions)) {
      const s = schedulers.find((x) => x.key === name || x.name === name);
      // One stored document that no longer validates must not hide the others.
      let experiment: Experiment;
      try {
        experiment = parseExperiment(JSON.parse(text), `stored experiment ${name}`);
      } catch (err) {
        out.push({ name, cron: s?.pattern ?? '', next: s?.next, error: errorMessage(err) });
        continue;
      }
      out.push({ name, cron: experiment.spec.schedule?.cron ?? '', timezone: experiment.spec.schedule?.timezone, next: s?.next, experiment });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Global halt: no scheduled run starts until resume(). */
  async pause(): Promise<void> {
    await this.queue.pause();
  }

  async resume(): Promise<void> {
    await this.queue.resume();
  }

  /** This process takes no more scheduled runs (shutdown); the ones going on continue. */
  async stopTaking(): Promise<void> {
    await this.worker?.pause(true);
  }
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }

  private async process(job: Job<{ experiment: string }>): Promise<string> {
    const now = this.deps.now ?? Date.now;
    const name = job.data.experiment;
    const text = await this.redis.hget(chaosKeys.experiments, name);
    if (!text) return 'skipped: experiment no longer scheduled';
    let experiment: Experiment;
    try {
      experiment = parseExperiment(JSON.parse(text), `stored experiment ${name}`);
    } catch (err) {
      await this.deps.audit.append({ who: 'scheduler', action: 'scheduled-run', experiment: name, result: 'invalid', detail: errorMessage(err) });
      return `skipped: ${errorMessage(err)}`;
    }
    const schedule = experiment.spec.schedule!;
    const slotMs = slotTime(job);
    const lateMs = now() - slotMs;
    if (lateMs > schedule.startingDeadlineSeconds * 1000) {
      const detail = `started ${Math.round(lateMs / 1000)} s after its slot, past startingDeadlineSeconds ${schedule.startingDeadlineSeconds}`;
      await this.deps.audit.append({ who: 'scheduler', action: 'scheduled-run', experiment: name, result: 'missed', detail });
      return `missed: ${detail}`;
    }
    if (schedule.concurrencyPolicy === 'Forbid') {
      const running = (await this.deps.store.list({ experiment: name, limit: 20 })).filter((r) => r.status === 'running' || r.status === 'pending');
      const alive = [];
      for (const r of running) if ((await this.redis.exists(chaosKeys.runOwner(r.id))) === 1) alive.push(r);
      if (alive.length > 0) {
        await this.deps.audit.append({ who: 'scheduler', action: 'scheduled-run', experiment: name, result: 'skipped', detail: `concurrencyPolicy Forbid: ${alive[0].id} is still running` });
        return 'skipped: previous run still running';
      }
    }
    const run = await this.deps.runNow(experiment, { who: 'scheduler', scheduledForMs: slotMs });
    return `${run.id}: ${run.status}`;
  }
}

/** The slot a scheduler job fired for: job IDs end in the slot's milliseconds. */
function slotTime(job: Job): number {
  const m = /:(\d{12,})$/.exec(job.id ?? '');
  if (m) return Number(m[1]);
  return job.timestamp + (job.opts.delay ?? 0);
}
