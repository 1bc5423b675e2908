import type { Socket } from 'node:net';
import { burstFor, TokenBucket } from './token-bucket.ts';
import { waitUntil, type FaultSet, type Way } from './fault-set.ts';

// One direction of a proxied connection. With no fault on the proxy, bytes
// go straight from one socket to the other (the fast path, as cheap as
// stream.pipe). Otherwise they queue here and a pump releases them when the
// active faults allow: after their latency, within the bandwidth, not while
// a partition holds the way.

export interface QueuedChunk {
  bytes: Buffer;
  /** performance.now() when the bytes arrived. */
  arrivalMs: number;
  /** Extra delay per latency fault, dropped if that fault goes away. */
  delaysMs: Map<string, number>;
  /** End the destination after writing (a synthetic response to a closing request). */
  endAfter?: boolean;
}

/** What the pipe asks its connection about the faults that concern it. */
export interface PipeOwner {
  readonly faults: FaultSet;
  readonly closed: boolean;
  /** 'reset' ends the connection, 'hold' stops this way until the faults change. */
  partition(way: Way): 'reset' | 'hold' | undefined;
  /** The lowest bandwidth limit on this way that hits this connection. */
  bandwidth(way: Way): { id: string; bytesPerSecond: number } | undefined;
  reset(): void;
}

const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;

export class Pipe {
  private queue: QueuedChunk[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private srcEnded = false;
  private pausedByUs = false;
  private buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly owner: PipeOwner,
    private readonly src: Socket,
    private readonly dst: Socket,
    readonly way: Way,
  ) {}

  /** True when nothing is queued, so bytes may take the fast path. */
  get idle(): boolean {
    return !this.pumping && this.queue.length === 0;
  }

  /** Fast path: write straight through with the same backpressure as pipe(). */
  passThrough(chunk: Buffer): void {
    if (!this.dst.write(chunk) && !this.pausedByUs) {
      this.pausedByUs = true;
      this.src.pause();
      this.dst.once('drain', () => {
        this.pausedByUs = false;
        this.src.resume();
      });
    }
  }

  enqueue(chunk: QueuedChunk): void {
    this.queue.push(chunk);
    this.queuedBytes += chunk.bytes.length;
    if (this.queuedBytes > HIGH_WATER_BYTES && !this.pausedByUs) {
      this.pausedByUs = true;
      this.src.pause();
    }
    if (!this.pumping) void this.pump();
  }

  /** The source ended: end the destination once everything queued is out. */
  end(): void {
    this.srcEnded = true;
    if (this.idle) this.dst.end();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    const { faults } = this.owner;
    try {
      while (this.queue.length > 0 && !this.owner.closed) {
        const changed = faults.changed();
        const partition = this.owner.partition(this.way);
        if (partition === 'reset') return this.owner.reset();
        if (partition === 'hold') {
          await changed;
          continue;
        }
        const item = this.queue[0];
        let delayMs = 0;
        for (const [id, ms] of item.delaysMs) if (faults.has(id)) delayMs += ms;
        const releaseAt = item.arrivalMs + delayMs;
        if (performance.now() < releaseAt) {
          await waitUntil(releaseAt, changed);
          continue;
        }
        let piece = item.bytes;
        const limit = this.owner.bandwidth(this.way);
        if (limit) {
          let bucket = this.buckets.get(limit.id);
          if (!bucket) {
            bucket = new TokenBucket(limit.bytesPerSecond, burstFor(limit.bytesPerSecond), () => performance.now());
            this.buckets.set(limit.id, bucket);
          }
          piece = item.bytes.subarray(0, bucket.burstBytes);
          const waitMs = bucket.take(piece.length);
          if (waitMs > 0) {
            await waitUntil(performance.now() + waitMs, changed);
            continue;
          }
        }
        const whole = piece.length === item.bytes.length;
        if (whole) this.queue.shift();
        else item.bytes = item.bytes.subarray(piece.length);
        this.queuedBytes -= piece.length;
        const flushed = this.dst.write(piece);
        if (whole && item.endAfter) this.dst.end();
        if (!flushed) await new Promise<void>((resolve) => {
          const done = () => { this.dst.off('drain', done); this.dst.off('close', done); resolve(); };
          this.dst.on('drain', done);
          this.dst.on('close', done);
        });
        if (this.pausedByUs && this.queuedBytes < LOW_WATER_BYTES) {
          this.pausedByUs = false;
          this.src.resume();
        }
      }
      if (this.srcEnded && this.queue.length === 0 && !this.owner.closed) this.dst.end();
    } finally {
      this.pumping = false;
    }
  }
}
