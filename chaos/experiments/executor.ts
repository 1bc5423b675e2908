import type { FaultSpec } from '../faults/specs.ts';

/** A service instance that faults can be applied to, as its agent advertises it. */
export interface TargetInstance {
  /** Instance name (service.instance.id / scenario instance), e.g. payments-1. */
  name: string;
  service: string;
  labels: Record<string, string>;
  /** The agent that applies faults to it. */
  agent: string;
  /**
   * Known only as a fault proxy an agent advertises (a user's own service
   * behind `faultline agent --proxy`), not as a scenario instance: there is
   * no process to kill.
   */
  proxyOnly?: boolean;
}

/**
 * How a run reaches the faults. The agent-backed implementation sends
 * commands to `faultline agent`s over BullMQ; the component that applies a
 * fault holds its lease and reverts it on expiry, whatever happens to us.
 */
export interface FaultExecutor {
  /** Every instance of `service` some live agent can target. */
  instances(service: string): Promise<TargetInstance[]>;
  apply(instance: TargetInstance, fault: FaultSpec, faultId: string, leaseMs: number): Promise<void>;
  renew(instance: TargetInstance, faultId: string, leaseMs: number): Promise<void>;
  /** Idempotent. */
  revert(instance: TargetInstance, faultId: string): Promise<void>;
  /** Global halt: every agent reverts every fault it holds. Resolves with how many agents answered. */
  revertEverything(): Promise<number>;
}
