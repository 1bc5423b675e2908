import type { Redis } from 'ioredis';
import { chaosKeys } from './keys.ts';
import { isFinished, type RunRecord } from './run-record.ts';

/** Run records in Redis, so every scheduler and API process sees the same runs. */
export class RunStore {
  constructor(private readonly redis: Redis, private readonly now: () => number = Date.now) {}

  async save(run: RunRecord): Promise<void> {
    await this.redis
      .multi()
      .set(chaosKeys.run(run.id), JSON.stringify(run))
      .zadd(chaosKeys.runs, run.createdAtMs, run.id)
      .zadd(chaosKeys.experimentRuns(run.experiment), run.createdAtMs, run.id)
      .exec();
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const text = await this.redis.get(chaosKeys.run(id));
    return text ? (JSON.parse(text) as RunRecord) : undefined;
  }

  /** Newest first. */
  async list(options: { experiment?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const key = options.experiment ? chaosKeys.experimentRuns(options.experiment) : chaosKeys.runs;
    const ids = await this.redis.zrevrange(key, 0, (options.limit ?? 100) - 1);
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(ids.map((id) => chaosKeys.run(id)));
    return texts.filter((t): t is string => t !== null).map((t) => JSON.parse(t) as RunRecord);
  }

  /** Keeps the newest `limit` finished runs of an experiment; running ones are never dropped. */
  async trimHistory(experiment: string, limit: number): Promise<void> {
    const runs = await this.list({ experiment, limit: 10_000 });
    const finished = runs.filter((r) => isFinished(r.status));
    for (const old of finished.slice(limit)) {
      await this.redis
        .multi()
        .del(chaosKeys.run(old.id))
        .zrem(chaosKeys.runs, old.id)
        .zrem(chaosKeys.experimentRuns(experiment), old.id)
        .exec();
    }
  }

  /** Claims (or renews) the run for this process for `ttlMs`. */
  async holdOwner(id: string, owner: string, ttlMs: number): Promise<void> {
    await this.redis.set(chaosKeys.runOwner(id), owner, 'PX', ttlMs);
  }

  async releaseOwner(id: string): Promise<void> {
    await this.redis.del(chaosKeys.runOwner(id));
  }

  /**
   * Runs left `pending` or `running` by a process that died (its owner lease
   * ended) are recorded as `interrupted`. Their faults were reverted by their
   * own leases at the agents. Returns the runs marked.
   */
  async markInterrupted(): Promise<RunRecord[]> {
    const marked: RunRecord[] = [];
    for (const run of await this.list({ limit: 1000 })) {
      if (isFinished(run.status)) continue;
      // Taking the ended owner lease claims the run, so of several processes sweeping only one marks it.
      if ((await this.redis.set(chaosKeys.runOwner(run.id), 'recovery', 'PX', 60_000, 'NX')) !== 'OK') continue;
      run.status = 'interrupted';
      run.reason = 'the process running it stopped; its faults were reverted when their leases ended';
      run.endedAtMs = this.now();
      run.timeline.push({ atMs: run.endedAtMs, event: 'interrupted', detail: run.reason });
      await this.redis.hdel(chaosKeys.active, run.id);
      await this.save(run);
      marked.push(run);
    }
    return marked;
  }
}
