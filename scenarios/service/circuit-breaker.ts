// A consecutive-failures circuit breaker: closed until `failureThreshold`
// calls in a row fail, then open for `openMs` (calls fail fast), then
// half-open: one trial call decides between closed and open again.

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAtMs = 0;
  private trialInFlight = false;
  private stateValue: CircuitState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.stateValue === 'open' && this.now() - this.openedAtMs >= this.options.openMs) {
      this.stateValue = 'half-open';
      this.trialInFlight = false;
    }
    return this.stateValue;
  }

  /** Whether a call may go out now; in half-open, only one trial at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.stateValue = 'closed';
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures += 1;
    if (this.stateValue === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.stateValue = 'open';
      this.openedAtMs = this.now();
    }
  }
}
