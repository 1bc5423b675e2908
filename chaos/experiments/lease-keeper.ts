import { errorMessage } from '../../platform/errors.ts';
import type { Governor } from '../governor/governor.ts';
import type { FaultExecutor, TargetInstance } from './executor.ts';
import type { RunStore } from './run-store.ts';

export interface LeaseKeeperDeps {
  store: RunStore;
  governor: Governor;
  executor: FaultExecutor;
  ownerId: string;
}

/**
 * Keeps a run's leases alive on a timer of its own, every third of the lease
 * TTL, whatever the steady-state checks are doing: a probe slower than the
 * TTL must not let a fault's lease, the governor admission or the run's
 * owner lease lapse mid-run. A renewal that fails is noted in `lost`; the
 * run stops on it and reverts.
 */
export class LeaseKeeper {
  /** Set once the governor admitted the run; cleared before the admission is released. */
  admitted = false;
  /** Cleared before the faults are reverted, so no renewal races a revert. */
  renewFaults = true;
  /** Why the run can no longer hold its faults, once it cannot. */
  lost: string | undefined;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    private readonly runId: string,
    private readonly service: string,
    /** The run's applied instances; read at every renewal, so instances applied later are renewed too. */
    private readonly applied: readonly TargetInstance[],
    private readonly faultIdOf: (instance: TargetInstance) => string,
    private readonly leaseMs: number,
    private readonly deps: LeaseKeeperDeps,
  ) {}

  start(): void {
    const everyMs = Math.max(100, Math.floor(this.leaseMs / 3));
    this.timer = setInterval(() => {
      // One renewal at a time: a slow agent must not pile them up.
      this.inFlight ??= this.renew().finally(() => { this.inFlight = undefined; });
    }, everyMs);
  }

  /** Renews everything the run holds now (also right after applying, which can take a while). */
  async renew(): Promise<void> {
    try {
      await this.deps.store.holdOwner(this.runId, this.deps.ownerId, this.leaseMs);
      if (this.admitted && !(await this.deps.governor.renew(this.runId, this.service, this.leaseMs))) {
        this.lost ??= 'lost the governor admission (lease ended)';
      }
      if (!this.renewFaults) return;
      const instances = [...this.applied];
      const results = await Promise.allSettled(instances.map((i) => this.deps.executor.renew(i, this.faultIdOf(i), this.leaseMs)));
      const failed = results.flatMap((r, i) => (r.status === 'rejected' && this.renewFaults ? [`${instances[i].name}: ${errorMessage(r.reason)}`] : []));
      if (failed.length > 0) this.lost ??= `renewing a fault lease failed: ${failed.join('; ')}`;
    } catch (err) {
      this.lost ??= `renewing the run's leases failed: ${errorMessage(err)}`;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
