import type { Redis } from 'ioredis';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { listNetns } from '../drivers/network/iptables.ts';
import { resolveProcesses } from '../drivers/process/resolve.ts';
import type { FaultProxyHandle, ResolvedTarget } from '../faults/fault.ts';
import { faultModule } from '../faults/registry.ts';
import type { FaultSpec } from '../faults/specs.ts';
import { describeTarget, type TargetSelector } from '../faults/target.ts';
import type { Clock } from '../leases/clock.ts';
import { systemClock } from '../leases/clock.ts';
import { LeaseTable } from '../leases/lease.ts';
import type { AppliedFaultInfo } from './commands.ts';
import type { Journal } from './journal.ts';

// Applies, renews and reverts faults for one owner (an agent), each under a
// lease held here. Knows nothing of Redis queues: the agent feeds it commands.

export type OwnedProxy = FaultProxyHandle;

export interface FaultExecutorOptions {
  owner: string;
  proxies: Map<string, OwnedProxy>;
  journal: Journal;
  logger: Logger;
  /** For `instance` process targets (the scenario instance registry). */
  redis?: Redis;
  maxLeaseMs: number;
  clock?: Clock;
}

export interface ApplyRequest {
  faultId: string;
  fault: FaultSpec;
  target: TargetSelector;
  leaseMs: number;
}

export class FaultExecutor {
  private readonly leases: LeaseTable;
  private readonly applied = new Map<string, AppliedFaultInfo>();
  private readonly inFlight = new Map<string, AbortController>();
  private readonly clock: Clock;

  constructor(private readonly options: FaultExecutorOptions) {
    this.clock = options.clock ?? systemClock;
    this.leases = new LeaseTable({
      clock: this.clock,
      onExpired: (id, err) => {
        this.forget(id);
        if (err) options.logger.error({ err, faultId: id }, 'lease ended but the revert failed');
        else options.logger.info({ faultId: id }, 'lease ended; fault reverted');
      },
    });
  }

  async apply(request: ApplyRequest): Promise<AppliedFaultInfo> {
    const { faultId, fault, leaseMs } = request;
    const known = this.applied.get(faultId);
    if (known) return known;
    if (this.inFlight.has(faultId)) throw new FaultlineError(ErrorCode.Conflict, `fault ${faultId} is being applied already`);
    if (leaseMs > this.options.maxLeaseMs) {
      throw new FaultlineError(ErrorCode.InvalidInput, `leaseMs: at most ${this.options.maxLeaseMs} ms (the agent's maxLeaseMs)`);
    }
    const module = faultModule(fault.type);
    if (!(module.targets as readonly string[]).includes(request.target.kind)) {
      throw new FaultlineError(ErrorCode.InvalidInput, `target.kind: a ${fault.type} fault acts on ${module.targets.join(' or ')} targets, not ${request.target.kind}`);
    }
    const target = await this.resolve(request.target);
    const controller = new AbortController();
    this.inFlight.set(faultId, controller);
    this.options.journal.add({
      faultId, type: fault.type, appliedAtMs: this.clock.now(),
      ...(fault.type === 'disk-fill' ? { fillDir: fault.path } : {}),
      ...(target.kind === 'network' ? { netns: target.netns ?? null } : {}),
    });
    const lease = this.leases.open(faultId, leaseMs);
    const logger = this.options.logger.child({ faultId, type: fault.type });
    let details: Record<string, unknown> | undefined;
    const note = (more: Record<string, unknown>) => { details = { ...details, ...more }; };
    try {
      const revert = await module.apply(target, fault as never, controller.signal, { faultId, owner: this.options.owner, lease, logger, note });
      const info: AppliedFaultInfo = {
        faultId, type: fault.type, target: describeResolved(request.target, target),
        appliedAtMs: this.clock.now(), expiresAtMs: lease.expiresAt, ...(details ? { details } : {}),
      };
      if (!(await this.leases.attach(faultId, revert))) {
        this.forget(faultId);
        throw new FaultlineError(ErrorCode.Unavailable, `fault ${faultId}: the lease ended while it was being applied; reverted`);
      }
      this.applied.set(faultId, info);
      lease.onRenew((expiresAt) => { info.expiresAtMs = expiresAt; });
      logger.info({ target: info.target, leaseMs }, 'fault applied');
      return info;
    } catch (err) {
      await this.leases.release(faultId);
      this.forget(faultId);
      logger.warn({ err: errorMessage(err) }, 'fault could not be applied');
      throw err;
    } finally {
      this.inFlight.delete(faultId);
    }
  }

  /**
   * Renews here and waits until the component holding the effect (proxy,
   * kernel rules, child) took the renewal too; fails when it did not.
   */
  async renew(faultId: string, leaseMs: number): Promise<{ expiresAtMs: number }> {
    if (leaseMs > this.options.maxLeaseMs) throw new FaultlineError(ErrorCode.InvalidInput, `leaseMs: at most ${this.options.maxLeaseMs} ms`);
    try {
      return { expiresAtMs: (await this.leases.renewAndPassOn(faultId, leaseMs)).expiresAt };
    } catch (err) {
      if (err instanceof FaultlineError && err.code === ErrorCode.NotFound) throw err;
      throw new FaultlineError(ErrorCode.Unavailable, `fault ${faultId}: not renewed: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** Reverts now. Returns false when the fault was not (or no longer) applied. */
  async revert(faultId: string): Promise<boolean> {
    this.inFlight.get(faultId)?.abort(new FaultlineError(ErrorCode.Conflict, 'reverted while being applied'));
    const held = this.leases.has(faultId);
    await this.leases.release(faultId);
    this.forget(faultId);
    if (held) this.options.logger.info({ faultId }, 'fault reverted');
    return held;
  }

  async revertAll(): Promise<number> {
    for (const controller of this.inFlight.values()) controller.abort(new FaultlineError(ErrorCode.Conflict, 'reverted while being applied'));
    const count = this.leases.list().length;
    try {
      await this.leases.releaseAll();
    } finally {
      for (const id of [...this.applied.keys()]) this.forget(id);
    }
    return count;
  }

  list(): AppliedFaultInfo[] {
    return [...this.applied.values()];
  }

  private forget(faultId: string): void {
    this.applied.delete(faultId);
    this.options.journal.remove(faultId);
  }

  private async resolve(selector: TargetSelector): Promise<ResolvedTarget> {
    switch (selector.kind) {
      case 'proxy': {
        const proxy = this.options.proxies.get(selector.name);
        if (!proxy) {
          throw new FaultlineError(ErrorCode.NotFound, `target.name: agent ${this.options.owner} has no proxy ${selector.name} (it has: ${[...this.options.proxies.keys()].join(', ') || 'none'})`);
        }
        return { kind: 'proxy', proxy };
      }
      case 'process':
        return { kind: 'process', pids: await resolveProcesses(selector, { redis: this.options.redis }), description: describeTarget(selector) };
      case 'network':
        if (selector.netns !== undefined && !(await listNetns()).includes(selector.netns)) {
          throw new FaultlineError(ErrorCode.NotFound, `target.netns: no network namespace ${selector.netns} on this host`);
        }
        return { kind: 'network', netns: selector.netns };
      case 'host':
        return { kind: 'host' };
    }
  }
}

function describeResolved(selector: TargetSelector, target: ResolvedTarget): string {
  if (target.kind === 'process') return `${describeTarget(selector)} -> pids ${target.pids.join(',')}`;
  return describeTarget(selector);
}
