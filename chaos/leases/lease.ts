import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { Revert } from '../faults/fault.ts';
import { systemClock, type Clock } from './clock.ts';

// Every applied fault has a lease. The component that applied the fault
// holds a LeaseTable and reverts the fault itself when the lease ends, unless
// it was renewed first; nobody else has to be alive for that to happen.

/** Passes a renewal on; a rejection (or throw) means the component holding the effect did not take it. */
/**
 * The longest lease a command may ask for unless configured otherwise (the
 * agent's maxLeaseMs, the proxy's --max-lease-ms). Default 10 minutes.
 */
export const DEFAULT_MAX_LEASE_MS = 10 * 60_000;

/** Node timers cannot wait longer (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type RenewListener = (expiresAt: number, ttlMs: number) => void | Promise<void>;

export class Lease {
  private listeners: RenewListener[] = [];
  constructor(readonly id: string, public expiresAt: number, public ttlMs: number) {}

  /** Called after every renewal (for components that keep their own deadline). */
  onRenew(listener: RenewListener): void {
    this.listeners.push(listener);
  }

  /** @internal Resolves once every listener took the renewal; rejects with the first failure. */
  extend(expiresAt: number, ttlMs: number): Promise<void> {
    this.expiresAt = expiresAt;
    this.ttlMs = ttlMs;
    const passed = this.listeners.map(async (listener) => listener(expiresAt, ttlMs));
    return Promise.all(passed).then(() => undefined);
  }
}

export interface LeaseInfo {
  id: string;
  expiresAt: number;
}

interface Entry {
  lease: Lease;
  revert?: Revert;
  cancelTimer: () => void;
}

export interface LeaseTableOptions {
  clock?: Clock;
  /** Told when a lease ran out and its fault was reverted (or failed to be). */
  onExpired?: (id: string, error?: unknown) => void;
}

export class LeaseTable {
  private entries = new Map<string, Entry>();
  private readonly clock: Clock;

  constructor(private readonly options: LeaseTableOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Opens a lease. The revert is attached later with attach() (once apply
   * has produced it); if the lease runs out before that, attach reverts at once.
   */
  open(id: string, ttlMs: number): Lease {
    if (this.entries.has(id)) throw new FaultlineError(ErrorCode.Conflict, `a lease ${id} is already held`);
    assertTtl(ttlMs);
    const lease = new Lease(id, this.clock.now() + ttlMs, ttlMs);
    const entry: Entry = { lease, cancelTimer: () => {} };
    this.entries.set(id, entry);
    this.schedule(entry, ttlMs);
    return lease;
  }

  /** Attaches the fault's revert. Returns false (after reverting) if the lease already ended. */
  async attach(id: string, revert: Revert): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) {
      await revert();
      return false;
    }
    entry.revert = revert;
    return true;
  }

  /** Opens a lease with its revert in one step. */
  grant(id: string, ttlMs: number, revert: Revert): Lease {
    const lease = this.open(id, ttlMs);
    this.entries.get(id)!.revert = revert;
    return lease;
  }

  /** Pushes the end of a lease to now + ttlMs (not waiting for its renew listeners). */
  renew(id: string, ttlMs: number): Lease {
    const { lease, passedOn } = this.extend(id, ttlMs);
    passedOn.catch(() => undefined);
    return lease;
  }

  /**
   * Pushes the end of a lease to now + ttlMs and waits for its renew
   * listeners; rejects when one of them failed (the lease here is renewed
   * all the same, but whatever holds the effect may end it sooner).
   */
  async renewAndPassOn(id: string, ttlMs: number): Promise<Lease> {
    const { lease, passedOn } = this.extend(id, ttlMs);
    await passedOn;
    return lease;
  }

  private extend(id: string, ttlMs: number): { lease: Lease; passedOn: Promise<void> } {
    assertTtl(ttlMs);
    const entry = this.entries.get(id);
    if (!entry) throw new FaultlineError(ErrorCode.NotFound, `no lease ${id} (it ended or never existed)`);
    entry.cancelTimer();
    const passedOn = entry.lease.extend(this.clock.now() + ttlMs, ttlMs);
    this.schedule(entry, ttlMs);
    return { lease: entry.lease, passedOn };
  }

  /** Ends a lease and reverts its fault now. Harmless when already ended. */
  async release(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.cancelTimer();
    await entry.revert?.();
  }

  /** Releases every lease; errors are collected so one failure does not stop the rest. */
  async releaseAll(): Promise<void> {
    const errors: unknown[] = [];
    await Promise.all([...this.entries.keys()].map((id) => this.release(id).catch((err) => void errors.push(err))));
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} fault(s) failed to revert`);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  list(): LeaseInfo[] {
    return [...this.entries.values()].map((e) => ({ id: e.lease.id, expiresAt: e.lease.expiresAt }));
  }

  private schedule(entry: Entry, ttlMs: number): void {
    entry.cancelTimer = this.clock.setTimer(() => {
      if (this.entries.get(entry.lease.id) !== entry) return;
      this.entries.delete(entry.lease.id);
      const revert = entry.revert;
      if (!revert) return this.options.onExpired?.(entry.lease.id);
      revert().then(
        () => this.options.onExpired?.(entry.lease.id),
        (err: unknown) => this.options.onExpired?.(entry.lease.id, err),
      );
    }, ttlMs);
  }
}

function assertTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new FaultlineError(ErrorCode.InvalidInput, `leaseMs: expected a positive number of milliseconds, got ${ttlMs}`);
  }
  if (ttlMs > MAX_TIMER_MS) throw new FaultlineError(ErrorCode.InvalidInput, `leaseMs: at most ${MAX_TIMER_MS} ms, got ${ttlMs}`);
}
