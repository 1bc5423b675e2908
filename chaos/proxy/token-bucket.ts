// A token bucket for the bandwidth fault: `bytesPerSecond` tokens flow in,
// up to `burstBytes`; sending n bytes needs n tokens.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly bytesPerSecond: number,
    readonly burstBytes: number,
    private readonly now: () => number,
  ) {
    this.tokens = burstBytes;
    this.last = now();
  }

  /** Takes n tokens (n <= burstBytes) if there are enough; otherwise returns the ms to wait. */
  take(n: number): number {
    const now = this.now();
    this.tokens = Math.min(this.burstBytes, this.tokens + ((now - this.last) * this.bytesPerSecond) / 1000);
    this.last = now;
    if (this.tokens >= n) {
      this.tokens -= n;
      return 0;
    }
    return ((n - this.tokens) * 1000) / this.bytesPerSecond;
  }
}

/** Largest piece sent at once: 50 ms worth of data, so the rate stays smooth. */
export function burstFor(bytesPerSecond: number): number {
  return Math.max(1, Math.floor(bytesPerSecond / 20));
}
