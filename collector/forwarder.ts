import type { Logger } from '../platform/logger.ts';
import type { CollectorMetrics, Encoding, Signal, UndeliverableReason } from './metrics.ts';

export interface ForwarderOptions {
  /** OTLP/HTTP base URL; batches go to `<base>/v1/<signal>`. */
  baseUrl: string;
  /** Bytes of bodies held (waiting or in flight) before new batches are dropped. */
  capacityBytes: number;
  /** Sent with every request (e.g. Authorization for the downstream). */
  headers?: Record<string, string>;
  metrics: CollectorMetrics;
  logger: Logger;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Attempts per batch before it is counted undeliverable. Default 5. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt up to maxBackoffMs. Defaults 250 ms and 5 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
}

interface Pending {
  signal: Signal;
  encoding: Encoding;
  body: Uint8Array;
  /** Spans, data points or log records in body. */
  items: number;
}

const contentTypes: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * Re-exports accepted requests (after gzip inflation, and without any items
 * the partial-success answer rejected) to a downstream OTLP/HTTP endpoint.
 * Bounded by bytes: when the bodies it holds would pass capacityBytes, new
 * batches are dropped and counted, never blocking ingest. Retryable failures
 * (network errors, 429/502/503/504) back off exponentially and honour
 * Retry-After, as the OTLP spec asks of clients. What is given up is counted
 * in batches and in items, by reason.
 */
export class Forwarder {
  private readonly queue: Pending[] = [];
  private active = 0;
  private heldBytes = 0;
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly base: string;
  private readonly headers: Record<string, Record<string, string>>;
  /** Given up on because the stop budget ran out. */
  private cutOff = { batches: 0, items: 0 };

  constructor(private readonly options: ForwarderOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.headers = {};
    for (const encoding of ['protobuf', 'json'] as const) {
      this.headers[encoding] = { ...options.headers, 'Content-Type': contentTypes[encoding] };
    }
  }

  offer(signal: Signal, encoding: Encoding, body: Uint8Array, items: number): void {
    const p: Pending = { signal, encoding, body, items };
    // Cannot happen in `faultline up` (the receivers close first); counted all the same.
    if (this.stopping) return this.undeliverable(p, 'shutdown_timeout');
    // One batch over the whole capacity still goes when nothing else is held,
    // as in the ingest queue: the bound is then that batch (maxRequestBytes).
    if (this.heldBytes > 0 && this.heldBytes + body.length > this.options.capacityBytes) return this.undeliverable(p, 'queue_full');
    this.queue.push(p);
    this.heldBytes += body.length;
    this.updateGauges();
    this.pump();
  }

  /**
   * Sends what is queued until deadlineMs (epoch ms) passes, then aborts what
   * is in flight; everything unsent is counted undeliverable with reason
   * "shutdown_timeout". Resolves once nothing is held.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    if (!this.idle()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now())); });
      await Promise.race([this.whenIdle(), late]);
      clearTimeout(timer);
    }
    for (const p of this.queue.splice(0)) {
      this.heldBytes -= p.body.length;
      this.undeliverable(p, 'shutdown_timeout');
    }
    this.abort.abort();
    await this.whenIdle(); // aborted requests and backoff sleeps end at once
    this.updateGauges();
    if (this.cutOff.batches > 0) {
      this.options.logger.warn({ url: this.base, undeliverableBatches: this.cutOff.batches, undeliverableItems: this.cutOff.items },
        'forwarder stopped before the downstream took everything; the rest is counted undeliverable (reason shutdown_timeout)');
    }
  }

  private idle(): boolean {
    return this.active === 0 && this.queue.length === 0;
  }

  private whenIdle(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private updateGauges(): void {
    this.options.metrics.forwardQueueBatches.set(this.queue.length);
    this.options.metrics.forwardQueueBytes.set(this.heldBytes);
  }

  private undeliverable(p: Pending, reason: UndeliverableReason): void {
    this.options.metrics.forwardUndeliverable.labels(p.signal, reason).inc();
    this.options.metrics.forwardUndeliverableItems[p.signal].labels(reason).inc(p.items);
    if (reason === 'shutdown_timeout') {
      this.cutOff.batches++;
      this.cutOff.items += p.items;
    }
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 4;
    while (this.active < concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.active++;
      this.updateGauges();
      void this.send(next).finally(() => {
        this.active--;
        this.heldBytes -= next.body.length;
        this.updateGauges();
        this.pump();
        if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  private async send(p: Pending): Promise<void> {
    const { metrics, logger } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 5;
    let backoffMs = this.options.initialBackoffMs ?? 250;
    const maxBackoffMs = this.options.maxBackoffMs ?? 5000;
    const url = `${this.base}/v1/${p.signal}`;
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | undefined;
      let failure: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: this.headers[p.encoding],
          body: p.body as Uint8Array<ArrayBuffer>,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000)]),
        });
        await response.arrayBuffer();
        if (response.ok) {
          metrics.forwarded.labels(p.signal).inc();
          metrics.forwardedItems[p.signal].inc(p.items);
          return;
        }
        if (!RETRYABLE.has(response.status)) {
          this.undeliverable(p, 'rejected');
          logger.warn({ url, status: response.status }, 'forward endpoint rejected a batch; not retrying');
          return;
        }
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header >= 0) retryAfterMs = header * 1000;
        failure = `HTTP ${response.status}`;
      } catch (err) {
        if (this.abort.signal.aborted) return this.undeliverable(p, 'shutdown_timeout');
        failure = err instanceof Error ? err.message : String(err);
      }
      if (attempt >= maxAttempts) {
        this.undeliverable(p, 'retries_exhausted');
        logger.warn({ url, attempts: attempt, failure }, 'could not forward a batch; giving up on it');
        return;
      }
      metrics.forwardRetries.labels(p.signal).inc();
      const jittered = backoffMs * (0.8 + Math.random() * 0.4);
      await this.sleep(Math.min(retryAfterMs ?? jittered, maxBackoffMs));
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      if (this.abort.signal.aborted) return this.undeliverable(p, 'shutdown_timeout');
    }
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
