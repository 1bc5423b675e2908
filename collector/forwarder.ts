import type { Logger } from '../platform/logger.ts';
import type { CollectorMetrics, Encoding, Signal } from './metrics.ts';

export interface ForwarderOptions {
  /** OTLP/HTTP base URL; batches go to `<base>/v1/<signal>`. */
  baseUrl: string;
  capacityBatches: number;
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
}

const contentTypes: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * Re-exports accepted requests, byte for byte as they were received (after
 * gzip inflation), to a downstream OTLP/HTTP endpoint. Bounded: when the
 * queue is full new batches are dropped and counted, never blocking ingest.
 * Retryable failures (network errors, 429/502/503/504) back off
 * exponentially and honour Retry-After, as the OTLP spec asks of clients.
 */
export class Forwarder {
  private readonly queue: Pending[] = [];
  private active = 0;
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly base: string;

  constructor(private readonly options: ForwarderOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  offer(signal: Signal, encoding: Encoding, body: Uint8Array): void {
    if (this.stopping) {
      this.options.metrics.forwardUndeliverable.labels(signal, 'stopping').inc();
      return;
    }
    if (this.queue.length >= this.options.capacityBatches) {
      this.options.metrics.forwardUndeliverable.labels(signal, 'queue_full').inc();
      return;
    }
    this.queue.push({ signal, encoding, body });
    this.options.metrics.forwardQueueBatches.set(this.queue.length);
    this.pump();
  }

  /**
   * Sends what is queued until deadlineMs (epoch ms) passes; whatever is
   * still unsent then is counted undeliverable with reason "stopping".
   */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    if (this.active > 0 || this.queue.length > 0) {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now())); });
      await Promise.race([idle, late]);
      clearTimeout(timer);
    }
    this.abort.abort();
    for (const p of this.queue.splice(0)) this.options.metrics.forwardUndeliverable.labels(p.signal, 'stopping').inc();
    this.options.metrics.forwardQueueBatches.set(0);
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 4;
    while (this.active < concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.options.metrics.forwardQueueBatches.set(this.queue.length);
      this.active++;
      void this.send(next).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
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
          headers: { 'Content-Type': contentTypes[p.encoding] },
          body: p.body as Uint8Array<ArrayBuffer>,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000)]),
        });
        await response.arrayBuffer();
        if (response.ok) {
          metrics.forwarded.labels(p.signal).inc();
          return;
        }
        if (!RETRYABLE.has(response.status)) {
          metrics.forwardUndeliverable.labels(p.signal, 'rejected').inc();
          logger.warn({ url, status: response.status }, 'forward endpoint rejected a batch; not retrying');
          return;
        }
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header >= 0) retryAfterMs = header * 1000;
        failure = `HTTP ${response.status}`;
      } catch (err) {
        if (this.abort.signal.aborted) {
          metrics.forwardUndeliverable.labels(p.signal, 'stopping').inc();
          return;
        }
        failure = err instanceof Error ? err.message : String(err);
      }
      if (attempt >= maxAttempts) {
        metrics.forwardUndeliverable.labels(p.signal, 'retries_exhausted').inc();
        logger.warn({ url, attempts: attempt, failure }, 'could not forward a batch; giving up on it');
        return;
      }
      metrics.forwardRetries.labels(p.signal).inc();
      const jittered = backoffMs * (0.8 + Math.random() * 0.4);
      await this.sleep(Math.min(retryAfterMs ?? jittered, maxBackoffMs));
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      if (this.abort.signal.aborted) {
        metrics.forwardUndeliverable.labels(p.signal, 'stopping').inc();
        return;
      }
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
