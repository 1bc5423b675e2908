import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { AlertTrackerSnapshot } from './alert-tracker.ts';
import type { EngineSnapshot, SloEngine } from './engine.ts';
import type { EventWindowsSnapshot } from './event-windows.ts';
import { sloKeys } from './keys.ts';

const saveScript = readFileSync(new URL('./save-checkpoint.lua', import.meta.url), 'utf8');

/**
 * Saves and loads the engine's state (event buckets, alert states) in Redis.
 * The part saves every `checkpointIntervalMs` (default 30 s) and on stop, so
 * a crash loses at most that much of the budget's events.
 */
export class SloCheckpoint {
  constructor(private readonly redis: Redis, private readonly keyPrefix = 'faultline:') {}

  async save(engine: SloEngine): Promise<boolean> {
    const snap = engine.snapshot();
    const args: string[] = [String(snap.savedAtMs), JSON.stringify(snap.alerts)];
    for (const [name, events] of Object.entries(snap.events)) args.push(name, JSON.stringify(events));
    const keys = [sloKeys.events(this.keyPrefix), sloKeys.alerts(this.keyPrefix), sloKeys.meta(this.keyPrefix)];
    const result = await this.redis.eval(saveScript, keys.length, ...keys, ...args);
    return result === 1;
  }

  /** The last checkpoint, or undefined when there is none. */
  async load(): Promise<EngineSnapshot | undefined> {
    const [events, alerts, savedAtMs] = await Promise.all([
      this.redis.hgetall(sloKeys.events(this.keyPrefix)),
      this.redis.get(sloKeys.alerts(this.keyPrefix)),
      this.redis.hget(sloKeys.meta(this.keyPrefix), 'savedAtMs'),
    ]);
    if (savedAtMs === null) return undefined;
    const parsed: Record<string, EventWindowsSnapshot> = {};
    for (const [name, json] of Object.entries(events)) parsed[name] = JSON.parse(json) as EventWindowsSnapshot;
    return {
      savedAtMs: Number(savedAtMs),
      events: parsed,
      alerts: alerts ? (JSON.parse(alerts) as AlertTrackerSnapshot) : { active: [], resolved: [] },
    };
  }
}
