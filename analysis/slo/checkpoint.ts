import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { AlertTrackerSnapshot } from './alert-tracker.ts';
import type { SloEngine, StoredState } from './engine.ts';
import { sloKeys } from './keys.ts';

const saveScript = readFileSync(new URL('./save-checkpoint.lua', import.meta.url), 'utf8');
const pruneScript = readFileSync(new URL('./prune-buckets.lua', import.meta.url), 'utf8');

/**
 * Saves and loads the engine's state (event buckets, alert states) in Redis.
 * The part saves every `checkpointIntervalMs` (default 30 s) and on stop, so
 * a crash loses at most that much of the budget's events. Saves are
 * incremental: only buckets changed since the last save are written.
 */
export class SloCheckpoint {
  constructor(private readonly redis: Redis, private readonly keyPrefix = 'faultline:') {}

  async save(engine: SloEngine): Promise<boolean> {
    const cp = engine.checkpointChanges();
    const keys = [sloKeys.alerts(this.keyPrefix), sloKeys.meta(this.keyPrefix), sloKeys.bucketIndex(this.keyPrefix)];
    const args: string[] = [String(cp.savedAtMs), JSON.stringify(cp.alerts), String(cp.slos.length)];
    for (const slo of cp.slos) {
      keys.push(sloKeys.buckets(this.keyPrefix, slo.name));
      args.push(slo.name, slo.identity, slo.full ? '1' : '0', String(slo.set.length / 2), String(slo.del.length), ...slo.set, ...slo.del);
    }
    try {
      return (await this.redis.eval(saveScript, keys.length, ...keys, ...args)) === 1;
    } catch (err) {
      // The changes taken above were not stored: write everything next time.
      engine.markFullSync();
      throw err;
    }
  }

  /** The last checkpoint, or undefined when there is none. */
  async load(): Promise<StoredState | undefined> {
    const [alerts, meta, names] = await Promise.all([
      this.redis.get(sloKeys.alerts(this.keyPrefix)),
      this.redis.hgetall(sloKeys.meta(this.keyPrefix)),
      this.redis.smembers(sloKeys.bucketIndex(this.keyPrefix)),
    ]);
    const savedAtMs = meta.savedAtMs;
    if (savedAtMs === undefined) return undefined;
    const identities: Record<string, string> = {};
    for (const [field, value] of Object.entries(meta)) if (field.startsWith('identity:')) identities[field.slice('identity:'.length)] = value;
    const buckets: Record<string, Record<string, string>> = {};
    for (const name of names) buckets[name] = await this.redis.hgetall(sloKeys.buckets(this.keyPrefix, name));
    return {
      savedAtMs: Number(savedAtMs),
      buckets,
      identities,
      alerts: alerts ? (JSON.parse(alerts) as AlertTrackerSnapshot) : { active: [], resolved: [] },
    };
  }

  /** Deletes the stored buckets of SLOs that no longer exist. */
  async prune(existing: Iterable<string>): Promise<string[]> {
    const keep = new Set(existing);
    const gone = (await this.redis.smembers(sloKeys.bucketIndex(this.keyPrefix))).filter((n) => !keep.has(n));
    for (const name of gone) {
      await this.redis.eval(pruneScript, 3, sloKeys.bucketIndex(this.keyPrefix), sloKeys.buckets(this.keyPrefix, name), sloKeys.meta(this.keyPrefix), name);
    }
    return gone;
  }
}
