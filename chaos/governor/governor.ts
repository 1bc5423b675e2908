import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { parseDurationMs } from '../../platform/duration.ts';
import type { GovernorConfig } from './config.ts';
import { weekdays } from './config.ts';
import { governorKeys } from './keys.ts';

const script = (name: string) => readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8');
const ADMIT = script('admit');
const RENEW = script('renew');
const RELEASE = script('release');

/** The limits a refusal names (faultline_chaos_governor_rejections_total{limit}). */
export const governorLimits = ['protected-service', 'outside-allowed-window', 'max-duration', 'max-concurrent-experiments', 'max-instance-percent'] as const;
export type GovernorLimit = (typeof governorLimits)[number];

export interface AdmissionRequest {
  runId: string;
  service: string;
  /** How many instances the service has (the base of the percentage). */
  totalInstances: number;
  /** The instances this run wants under faults (all of them, after widening). */
  instances: string[];
  durationMs: number;
  leaseMs: number;
}

export type Admission = { admitted: true } | { admitted: false; limit: GovernorLimit; message: string };

/**
 * The blast-radius governor. Static rules (protected services, time windows,
 * longest duration) are checked here; the limits that depend on what every
 * other scheduler holds are checked and taken in one Lua script, so callers
 * racing each other can never exceed them. Entries carry lease expiries: a
 * scheduler that dies frees its slots when its leases end.
 */
export class Governor {
  constructor(
    private readonly redis: Redis,
    private readonly policy: GovernorConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Instances of a service of `total` that may be under faults at once (rounded down). */
  maxInstances(total: number): number {
    return Math.floor((total * this.policy.maxInstancePercent) / 100 + 1e-9);
  }

  async admit(req: AdmissionRequest): Promise<Admission> {
    const refused = this.staticCheck(req);
    if (refused) return refused;
    const now = this.now();
    const allowed = this.maxInstances(req.totalInstances);
    const result = (await this.redis.eval(
      ADMIT, 3, governorKeys.runs, governorKeys.service(req.service), governorKeys.held,
      req.runId, now, now + req.leaseMs, this.policy.maxConcurrentExperiments, allowed, req.service, ...req.instances,
    )) as [number, string?, number?, number?];
    if (result[0] === 1) return { admitted: true };
    const [, limit, current, max] = result;
    return this.refusal(req, limit as 'max-concurrent-experiments' | 'max-instance-percent', current!, max!);
  }

  /**
   * What admit() would answer now, taking nothing (dry runs). Read outside
   * the script, so a racing run may change the answer by the time it runs.
   */
  async preview(req: AdmissionRequest): Promise<Admission> {
    const refused = this.staticCheck(req);
    if (refused) return refused;
    const { runs, instances } = await this.holdings();
    const others = runs.filter((r) => r !== req.runId);
    if (!runs.includes(req.runId) && others.length >= this.policy.maxConcurrentExperiments) {
      return this.refusal(req, 'max-concurrent-experiments', others.length, this.policy.maxConcurrentExperiments);
    }
    const wouldHold = new Set([...(instances[req.service] ?? []), ...req.instances]).size;
    const allowed = this.maxInstances(req.totalInstances);
    if (wouldHold > allowed) return this.refusal(req, 'max-instance-percent', wouldHold, allowed);
    return { admitted: true };
  }

  private refusal(req: AdmissionRequest, limit: 'max-concurrent-experiments' | 'max-instance-percent', current: number, max: number): Admission {
    if (limit === 'max-concurrent-experiments') {
      return { admitted: false, limit, message: `governor: ${current} experiments already hold faults (maxConcurrentExperiments ${max})` };
    }
    return {
      admitted: false,
      limit,
      message: `governor: ${current} of ${req.totalInstances} instances of ${req.service} would be under faults; at most ${max} (${this.policy.maxInstancePercent}%, rounded down) may be`,
    };
  }

  /** Extends the run's admission; false when it has lapsed (stop the faults). */
  async renew(runId: string, service: string, leaseMs: number): Promise<boolean> {
    const ok = await this.redis.eval(RENEW, 2, governorKeys.runs, governorKeys.service(service), runId, this.now() + leaseMs);
    return ok === 1;
  }

  async release(runId: string, service: string): Promise<void> {
    await this.redis.eval(RELEASE, 3, governorKeys.runs, governorKeys.service(service), governorKeys.held, runId);
  }

  /** Runs holding admissions now, and the instances each service has under faults. */
  async holdings(): Promise<{ runs: string[]; instances: Record<string, string[]> }> {
    const now = this.now();
    const runs = await this.redis.zrangebyscore(governorKeys.runs, now, '+inf');
    const held = await this.redis.hgetall(governorKeys.held);
    const instances: Record<string, string[]> = {};
    for (const service of new Set(Object.values(held))) {
      const members = await this.redis.zrangebyscore(governorKeys.service(service), now, '+inf');
      instances[service] = [...new Set(members.map((m) => m.split('\0')[0]))];
    }
    return { runs, instances };
  }

  private staticCheck(req: AdmissionRequest): Admission | undefined {
    if (this.policy.protectedServices.includes(req.service)) {
      return { admitted: false, limit: 'protected-service', message: `governor: ${req.service} is a protected service and is never targeted` };
    }
    const maxMs = parseDurationMs(this.policy.maxDuration) ?? Infinity;
    if (req.durationMs > maxMs) {
      return { admitted: false, limit: 'max-duration', message: `governor: duration ${Math.round(req.durationMs / 1000)}s exceeds maxDuration ${this.policy.maxDuration}` };
    }
    if (this.policy.allowedWindows.length > 0 && !this.inAllowedWindow(new Date(this.now()))) {
      const windows = this.policy.allowedWindows.map((w) => `${w.days.join(',')} ${w.start}-${w.end}`).join('; ');
      return { admitted: false, limit: 'outside-allowed-window', message: `governor: outside the allowed windows (UTC): ${windows}` };
    }
    return undefined;
  }

  private inAllowedWindow(at: Date): boolean {
    const day = weekdays[(at.getUTCDay() + 6) % 7];
    const minutes = at.getUTCHours() * 60 + at.getUTCMinutes();
    const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    return this.policy.allowedWindows.some((w) => {
      const start = toMin(w.start);
      const end = toMin(w.end);
      if (!w.days.includes(day)) return false;
      return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
    });
  }
}
