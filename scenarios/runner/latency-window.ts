/**
 * Outcomes of the last `windowMs`: rate, errors and latency percentiles for
 * the progress line. Pure, with the time passed in.
 */
export class LatencyWindow {
  private samples: Array<{ atMs: number; latencyMs: number; ok: boolean }> = [];

  constructor(private readonly windowMs: number) {}

  add(atMs: number, latencyMs: number, ok: boolean): void {
    this.samples.push({ atMs, latencyMs, ok });
  }

  /** `startedAtMs`: when recording began, so a window not yet full gives the true rate. */
  summary(nowMs: number, startedAtMs = Number.NEGATIVE_INFINITY): { rateRps: number; errorRatio: number; p50Ms: number; p99Ms: number; count: number } {
    const from = nowMs - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop].atMs < from) drop++;
    if (drop > 0) this.samples = this.samples.slice(drop);
    const count = this.samples.length;
    if (count === 0) return { rateRps: 0, errorRatio: 0, p50Ms: 0, p99Ms: 0, count: 0 };
    const sorted = this.samples.map((s) => s.latencyMs).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(count - 1, Math.floor(q * count))];
    const errors = this.samples.filter((s) => !s.ok).length;
    const spanMs = Math.max(1000, Math.min(this.windowMs, nowMs - startedAtMs));
    return { rateRps: count / (spanMs / 1000), errorRatio: errors / count, p50Ms: at(0.5), p99Ms: at(0.99), count };
  }
}
