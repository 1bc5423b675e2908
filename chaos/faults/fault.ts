import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Lease } from '../leases/lease.ts';
import type { FaultSpec, FaultType, ProxyFaultSpec, SpecOf } from './specs.ts';
import type { TargetKind } from './target.ts';

// The shape every fault has, after toxiproxy's toxics: plain config plus one
// method that applies it and hands back its own undo.

/** Undoes an applied fault. Idempotent: the second call resolves and does nothing. */
export type Revert = () => Promise<void>;

/**
 * The part of a fault proxy a fault needs: a proxy in this process
 * (chaos/proxy/fault-proxy.ts) or one reached over its control API
 * (chaos/proxy/remote-proxy.ts).
 */
export interface FaultProxyHandle {
  readonly name: string;
  addFault(spec: ProxyFaultSpec, leaseMs: number, owner?: string): { id: string } | Promise<{ id: string }>;
  renewFault(id: string, leaseMs: number): void | Promise<void>;
  removeFault(id: string): Promise<void>;
  /** Removes every fault `owner` added (crash recovery); returns how many. */
  removeFaultsOwnedBy(owner: string): Promise<number>;
}

/** A target after resolution: what apply acts on. Resolved once and recorded. */
export type ResolvedTarget =
  | { kind: 'proxy'; proxy: FaultProxyHandle }
  | { kind: 'process'; pids: number[]; description: string }
  | { kind: 'network'; netns?: string }
  | { kind: 'host' };

export interface ApplyContext {
  /** Unique per applied fault; tags everything the fault installs. */
  faultId: string;
  /** Who applied it (agent name); leftovers are found by owner after a crash. */
  owner: string;
  /**
   * The fault's lease. Modules that hand the effect to another component
   * (a proxy, a child process, a kernel rule) pass renewals on with
   * lease.onRenew so that component also stops on its own at expiry.
   */
  lease: Lease;
  logger: Logger;
  /** Tells whoever asked for the apply what it did (the answer's `details`, e.g. kill outcomes per PID). */
  note?(details: Record<string, unknown>): void;
}

export interface FaultModule<T extends FaultType = FaultType> {
  type: T;
  /** Target kinds this fault can act on. */
  targets: readonly TargetKind[];
  /**
   * Applies the fault. Resolves once the effect is in place; rejects (having
   * undone any partial effect) on failure or when `signal` aborts.
   */
  apply(target: ResolvedTarget, spec: SpecOf<T>, signal: AbortSignal, ctx: ApplyContext): Promise<Revert>;
}

/** Wraps an undo so that calling it twice (or concurrently) runs it once. */
export function onceRevert(undo: () => Promise<void>): Revert {
  let running: Promise<void> | undefined;
  return () => {
    running ??= undo();
    return running;
  };
}

/** Narrows a resolved target, with an error that names what was expected. */
export function expectTarget<K extends ResolvedTarget['kind']>(
  target: ResolvedTarget, spec: FaultSpec, kinds: readonly K[],
): Extract<ResolvedTarget, { kind: K }> {
  if (!(kinds as readonly string[]).includes(target.kind)) {
    throw new FaultlineError(ErrorCode.InvalidInput, `target.kind: fault ${spec.type} cannot act on a ${target.kind} target (expected ${kinds.join(' or ')})`);
  }
  return target as Extract<ResolvedTarget, { kind: K }>;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('fault apply aborted');
}
