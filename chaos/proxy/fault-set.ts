import type { ProxyFaultSpec } from '../faults/specs.ts';

// The faults active on one proxy, shared by all its connections. Connections
// look here on every chunk (so new faults reach existing connections) and
// wait on changed() when a fault decides whether their data may move.

export interface ActiveFault {
  id: string;
  spec: ProxyFaultSpec;
  /** Who added it (agent name); a restarted agent removes what it owns. */
  owner?: string;
  addedAt: number;
}

export type Way = 'upstream' | 'downstream';

export class FaultSet {
  private faults = new Map<string, ActiveFault>();
  private wake: (() => void) | undefined;
  private next: Promise<void> | undefined;

  get size(): number {
    return this.faults.size;
  }

  list(): ActiveFault[] {
    return [...this.faults.values()];
  }

  get(id: string): ActiveFault | undefined {
    return this.faults.get(id);
  }

  has(id: string): boolean {
    return this.faults.has(id);
  }

  add(fault: ActiveFault): void {
    this.faults.set(fault.id, fault);
    this.notify();
  }

  remove(id: string): boolean {
    const removed = this.faults.delete(id);
    if (removed) this.notify();
    return removed;
  }

  /** Resolves at the next add or remove. */
  changed(): Promise<void> {
    this.next ??= new Promise((resolve) => { this.wake = resolve; });
    return this.next;
  }

  /** Faults of one type that act on data going `way`. */
  *acting<T extends ProxyFaultSpec['type']>(type: T, way?: Way): Generator<ActiveFault & { spec: Extract<ProxyFaultSpec, { type: T }> }> {
    for (const fault of this.faults.values()) {
      if (fault.spec.type !== type) continue;
      if (way !== undefined && 'direction' in fault.spec && fault.spec.direction !== 'both' && fault.spec.direction !== way) continue;
      yield fault as ActiveFault & { spec: Extract<ProxyFaultSpec, { type: T }> };
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    this.next = undefined;
    wake?.();
  }
}

/** Per-unit (connection or request) dice rolls: a fault hits a unit or not, decided once. */
export class Rolls {
  private decided = new Map<string, boolean>();

  hits(fault: ActiveFault): boolean {
    let hit = this.decided.get(fault.id);
    if (hit === undefined) {
      hit = fault.spec.share >= 1 || Math.random() < fault.spec.share;
      this.decided.set(fault.id, hit);
    }
    return hit;
  }
}

/**
 * Resolves when performance.now() reaches `at` or when `interrupt` resolves,
 * whichever is first. Timers alone are only good to about a millisecond, so
 * the last two milliseconds are waited out on setImmediate.
 */
export function waitUntil(at: number, interrupt: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      resolve();
    };
    void interrupt.then(finish);
    const step = () => {
      if (done) return;
      const left = at - performance.now();
      if (left <= 0) finish();
      // Timers fire up to a millisecond or so late: sleep to 2 ms short, then poll.
      else if (left > 2.5) timer = setTimeout(step, left - 2);
      else setImmediate(step);
    };
    step();
  });
}
