// Turns a cumulative counter into a per-second rate, so the detector sees
// what changed rather than an ever-growing total. A value below the previous
// one is a counter reset (process restart): the counter restarted from zero,
// so the increase is the new value itself, not a huge negative step.
export class CounterRate {
  private prevTMs = Number.NaN;
  private prevValue = Number.NaN;

  /** The rate over the interval ending at `tMs`; NaN for the first point or a non-increasing time. */
  next(tMs: number, value: number): number {
    if (!Number.isFinite(value)) return Number.NaN;
    const dtMs = tMs - this.prevTMs;
    const prev = this.prevValue;
    if (Number.isFinite(dtMs) && dtMs <= 0) return Number.NaN;
    this.prevTMs = tMs;
    this.prevValue = value;
    if (!Number.isFinite(prev)) return Number.NaN;
    const increase = value >= prev ? value - prev : value;
    return (increase * 1000) / dtMs;
  }
}
