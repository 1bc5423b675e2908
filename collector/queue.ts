import type { Logger } from '../platform/logger.ts';
import type { MetricBatch } from '../model/metrics.ts';
import type { BatchConsumer } from '../model/pipeline.ts';
import type { TraceBatch } from '../model/trace.ts';
import type { CollectorMetrics } from './metrics.ts';

export type QueueEntry =
  | { signal: 'traces'; batch: TraceBatch; items: number }
  | { signal: 'metrics'; batch: MetricBatch; items: number }
  | { signal: 'logs'; items: number };

export type OfferResult = 'accepted' | 'full' | 'stopping';

export interface BatchQueueOptions {
  /** Items (spans + data points + log records) held before offers are refused. */
  capacityItems: number;
  /** The platform's consumer list; read at each delivery, so late additions count. */
  consumers: BatchConsumer[];
  metrics: CollectorMetrics;
  logger: Logger;
  /** Longest stretch the drain loop runs before yielding to I/O. */
  drainSliceMs?: number;
  now?: () => number;
}

const CONSUMER_ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The bounded queue between the receivers and the consumers. Receivers offer
 * a decoded batch and answer the client from the result: a batch is either
 * accepted (and will reach every consumer, even during a graceful stop) or
 * refused before the client hears success. Nothing accepted is dropped.
 *
 * A batch larger than the whole capacity is accepted when the queue is empty,
 * so the size of one request (bounded by maxRequestBytes) never locks a client
 * out; the queue therefore holds at most capacity + one request.
 */
export class BatchQueue {
  private readonly entries: Array<QueueEntry | undefined> = [];
  private head = 0;
  private depthItems = 0;
  /** Batches and items handed to the consumers since start. */
  deliveredBatches = 0;
  deliveredItems = 0;
  private closed = false;
  private scheduled = false;
  /** Batches offered since the drain loop last ran. */
  private arrivedSinceDrain = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly lastErrorLogMs = new Map<string, number>();
  private readonly sliceMs: number;
  private readonly now: () => number;

  constructor(private readonly options: BatchQueueOptions) {
    this.sliceMs = options.drainSliceMs ?? 5;
    this.now = options.now ?? Date.now;
    options.metrics.queueCapacityItems.set(options.capacityItems);
  }

  get items(): number {
    return this.depthItems;
  }

  get batches(): number {
    return this.entries.length - this.head;
  }

  offer(entry: QueueEntry): OfferResult {
    if (this.closed) return 'stopping';
    if (this.depthItems > 0 && this.depthItems + entry.items > this.options.capacityItems) return 'full';
    this.entries.push(entry);
    this.arrivedSinceDrain++;
    this.depthItems += entry.items;
    this.updateGauges();
    this.schedule();
    return 'accepted';
  }

  /** Refuse new offers from now on; what is queued is still delivered. */
  close(): void {
    this.closed = true;
  }

  /** Resolves once everything accepted so far has reached the consumers. */
  drained(): Promise<void> {
    if (this.batches === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drainSlice());
  }

  /**
   * Delivers at least as many batches as arrived since the last turn (so the
   * consumers get their share of the one thread however busy the receivers
   * are, and the queue grows only with bursts), and works off a backlog for
   * up to sliceMs more before yielding so receivers keep reading sockets.
   */
  private drainSlice(): void {
    this.scheduled = false;
    const start = this.now();
    let owed = this.arrivedSinceDrain;
    this.arrivedSinceDrain = 0;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      this.entries[this.head] = undefined;
      this.head++;
      this.depthItems -= entry.items;
      this.deliver(entry);
      if (--owed <= 0 && this.now() - start >= this.sliceMs) break;
    }
    if (this.head === this.entries.length) {
      this.entries.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    this.updateGauges();
    if (this.batches > 0) {
      this.schedule();
    } else {
      for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  private deliver(entry: QueueEntry): void {
    this.deliveredBatches++;
    this.deliveredItems += entry.items;
    this.options.metrics.consumed.labels(entry.signal).inc();
    for (const consumer of this.options.consumers) {
      try {
        if (entry.signal === 'traces') consumer.consumeTraces?.(entry.batch);
        else if (entry.signal === 'metrics') consumer.consumeMetrics?.(entry.batch);
        else consumer.consumeLogs?.(entry.items);
      } catch (err) {
        this.options.metrics.consumerErrors.labels(consumer.name, entry.signal).inc();
        // A consumer that throws on every batch would flood the log; one line per interval is enough.
        const last = this.lastErrorLogMs.get(consumer.name) ?? -Infinity;
        const now = this.now();
        if (now - last >= CONSUMER_ERROR_LOG_INTERVAL_MS) {
          this.lastErrorLogMs.set(consumer.name, now);
          this.options.logger.error({ err, consumer: consumer.name, signal: entry.signal }, 'consumer failed on a batch; ingest goes on');
        }
      }
    }
  }

  private updateGauges(): void {
    this.options.metrics.queueItems.set(this.depthItems);
    this.options.metrics.queueBatches.set(this.batches);
  }
}
