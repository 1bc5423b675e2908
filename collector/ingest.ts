import { ErrorCode, FaultlineError } from '../platform/errors.ts';
import type { Forwarder } from './forwarder.ts';
import type { CollectorMetrics, Encoding, RefusalReason, Signal, Transport } from './metrics.ts';
import {
  decodeLogsJson, decodeLogsProto, decodeMetricsJson, decodeMetricsProto, decodeTracesJson, decodeTracesProto,
} from './otlp/index.ts';
import type { BatchQueue, QueueEntry } from './queue.ts';

/** What a receiver tells its client, whatever the transport. */
export type IngestResult =
  | { kind: 'success'; rejectedItems: number; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'full' }
  | { kind: 'stopping' };

type Decode = (body: Uint8Array, receivedAtMs: number) =>
  QueueEntry & { rejectedItems: number; rejectionMessage: string; acceptedBody?: () => Uint8Array };

// One decoder per signal and encoding; each returns a queue entry with its item count.
const decoders: Record<Signal, Record<Encoding, Decode>> = {
  traces: {
    protobuf: (b, t) => traceEntry(decodeTracesProto(b, t)),
    json: (b, t) => traceEntry(decodeTracesJson(b, t)),
  },
  metrics: {
    protobuf: (b, t) => metricEntry(decodeMetricsProto(b, t)),
    json: (b, t) => metricEntry(decodeMetricsJson(b, t)),
  },
  logs: {
    protobuf: (b) => logEntry(decodeLogsProto(b)),
    json: (b) => logEntry(decodeLogsJson(b)),
  },
};

function traceEntry(d: ReturnType<typeof decodeTracesProto>) {
  return { signal: 'traces' as const, batch: d.batch, items: d.batch.spanCount, rejectedItems: d.rejectedItems, rejectionMessage: d.rejectionMessage, acceptedBody: d.acceptedBody };
}
function metricEntry(d: ReturnType<typeof decodeMetricsProto>) {
  return { signal: 'metrics' as const, batch: d.batch, items: d.batch.dataPointCount, rejectedItems: d.rejectedItems, rejectionMessage: d.rejectionMessage, acceptedBody: d.acceptedBody };
}
function logEntry(d: ReturnType<typeof decodeLogsProto>) {
  return { signal: 'logs' as const, items: d.batch, rejectedItems: d.rejectedItems, rejectionMessage: d.rejectionMessage, acceptedBody: d.acceptedBody };
}

export interface IngestOptions {
  queue: BatchQueue;
  metrics: CollectorMetrics;
  forwarder?: Forwarder;
  now?: () => number;
}

/**
 * The part of ingest every receiver shares: decode, count, offer to the
 * queue, hand the bytes (less any rejected items) to the forwarder. Synchronous, so a request is
 * decoded and queued in one turn of the event loop without extra copies.
 */
export class Ingest {
  private readonly now: () => number;
  constructor(private readonly options: IngestOptions) {
    this.now = options.now ?? Date.now;
  }

  handle(signal: Signal, transport: Transport, encoding: Encoding, body: Uint8Array): IngestResult {
    const { metrics, queue, forwarder } = this.options;
    let entry: ReturnType<Decode>;
    try {
      entry = decoders[signal][encoding](body, this.now());
    } catch (err) {
      if (err instanceof FaultlineError && err.code === ErrorCode.InvalidInput) {
        metrics.decodeErrors.labels(transport, signal).inc();
        this.refuseRequest(transport, signal, 'decode_error');
        return { kind: 'invalid', message: err.message };
      }
      throw err;
    }
    if (entry.rejectedItems > 0) metrics.refused[signal].labels(transport, encoding, 'invalid_item').inc(entry.rejectedItems);
    if (entry.items > 0) {
      const offered = queue.offer(entry);
      if (offered !== 'accepted') {
        metrics.refused[signal].labels(transport, encoding, offered === 'full' ? 'queue_full' : 'stopping').inc(entry.items);
        this.refuseRequest(transport, signal, offered === 'full' ? 'queue_full' : 'stopping');
        return { kind: offered === 'full' ? 'full' : 'stopping' };
      }
      metrics.accepted[signal].labels(transport, encoding).inc(entry.items);
      // What the client was told was rejected is not passed on either.
      forwarder?.offer(signal, encoding, entry.acceptedBody?.() ?? body, entry.items);
    }
    return { kind: 'success', rejectedItems: entry.rejectedItems, message: entry.rejectionMessage };
  }

  /** Counts a request refused before (or instead of) decoding. */
  refuseRequest(transport: Transport, signal: Signal, reason: RefusalReason): void {
    this.options.metrics.refusedRequests.labels(transport, signal, reason).inc();
  }
}
