import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// Every self-metric of the collector, declared in one place. Names follow the
// OpenTelemetry Collector's receiver metrics (accepted/refused spans, metric
// points, log records) with a faultline_ prefix.

export type Signal = 'traces' | 'metrics' | 'logs';
export type Transport = 'http' | 'grpc';
export type Encoding = 'protobuf' | 'json';

/** Why items or requests were refused. */
export type RefusalReason =
  | 'invalid_item' // partial success: the item itself was invalid
  | 'decode_error'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'queue_full'
  | 'stopping'
  | 'cancelled'; // the client gave up (cancel, deadline, closed connection) before an answer

/** Why the forwarder gave up on a batch. */
export type UndeliverableReason =
  | 'queue_full' // the forward queue's byte bound was reached
  | 'rejected' // the downstream answered with a non-retryable status
  | 'retries_exhausted'
  | 'shutdown_timeout'; // still queued or in flight when the stop budget ran out

export interface CollectorMetrics {
  accepted: Record<Signal, Counter<'transport' | 'encoding'>>;
  refused: Record<Signal, Counter<'transport' | 'encoding' | 'reason'>>;
  refusedRequests: Counter<'transport' | 'signal' | 'reason'>;
  decodeErrors: Counter<'transport' | 'signal'>;
  requestDuration: Histogram<'transport' | 'signal' | 'code'>;
  queueItems: Gauge;
  queueBatches: Gauge;
  queueCapacityItems: Gauge;
  consumed: Counter<'signal'>;
  consumerErrors: Counter<'consumer' | 'signal'>;
  forwarded: Counter<'signal'>;
  forwardedItems: Record<Signal, Counter>;
  forwardUndeliverable: Counter<'signal' | 'reason'>;
  forwardUndeliverableItems: Record<Signal, Counter<'reason'>>;
  forwardRetries: Counter<'signal'>;
  forwardQueueBatches: Gauge;
  forwardQueueBytes: Gauge;
}

const itemNames: Record<Signal, string> = { traces: 'spans', metrics: 'metric_points', logs: 'log_records' };

export function createCollectorMetrics(registry: Registry): CollectorMetrics {
  const registers = [registry];
  const accepted = {} as CollectorMetrics['accepted'];
  const refused = {} as CollectorMetrics['refused'];
  const forwardedItems = {} as CollectorMetrics['forwardedItems'];
  const forwardUndeliverableItems = {} as CollectorMetrics['forwardUndeliverableItems'];
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const items = itemNames[signal];
    accepted[signal] = new Counter({
      name: `faultline_receiver_accepted_${items}_total`,
      help: `OTLP ${items.replace('_', ' ')} accepted into the queue (answered with success).`,
      labelNames: ['transport', 'encoding'],
      registers,
    });
    refused[signal] = new Counter({
      name: `faultline_receiver_refused_${items}_total`,
      help: `OTLP ${items.replace('_', ' ')} refused, by reason (decode_error counts only items that could be counted).`,
      labelNames: ['transport', 'encoding', 'reason'],
      registers,
    });
    forwardedItems[signal] = new Counter({
      name: `faultline_forwarder_sent_${items}_total`,
      help: `OTLP ${items.replace('_', ' ')} re-exported to the --forward-otlp endpoint.`,
      registers,
    });
    forwardUndeliverableItems[signal] = new Counter({
      name: `faultline_forwarder_undeliverable_${items}_total`,
      help: `OTLP ${items.replace('_', ' ')} accepted but not re-exported, by reason (queue_full, rejected, retries_exhausted, shutdown_timeout).`,
      labelNames: ['reason'],
      registers,
    });
  }
  return {
    accepted,
    refused,
    forwardedItems,
    forwardUndeliverableItems,
    refusedRequests: new Counter({
      name: 'faultline_receiver_refused_requests_total',
      help: 'OTLP export requests that did not succeed: answered with an error, or given up by the client (reason cancelled).',
      labelNames: ['transport', 'signal', 'reason'],
      registers,
    }),
    decodeErrors: new Counter({
      name: 'faultline_receiver_decode_errors_total',
      help: 'OTLP request bodies that could not be decoded.',
      labelNames: ['transport', 'signal'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'faultline_receiver_request_duration_seconds',
      // code: the HTTP status number for transport http ("200", "413"), the
      // gRPC status name for transport grpc ("OK", "RESOURCE_EXHAUSTED").
      help: 'Time from the start of an OTLP request to its answer; code is the HTTP status (http) or the gRPC status name (grpc).',
      labelNames: ['transport', 'signal', 'code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    queueItems: new Gauge({
      name: 'faultline_collector_queue_items',
      help: 'Spans, data points and log records waiting for the consumers.',
      registers,
    }),
    queueBatches: new Gauge({
      name: 'faultline_collector_queue_batches',
      help: 'Batches waiting for the consumers.',
      registers,
    }),
    queueCapacityItems: new Gauge({
      name: 'faultline_collector_queue_capacity_items',
      help: 'Items the queue holds before the receivers refuse with 503 / UNAVAILABLE.',
      registers,
    }),
    consumed: new Counter({
      name: 'faultline_collector_consumed_batches_total',
      help: 'Batches handed from the queue to the consumers.',
      labelNames: ['signal'],
      registers,
    }),
    consumerErrors: new Counter({
      name: 'faultline_collector_consumer_errors_total',
      help: 'Batches a consumer threw on (logged; ingest goes on).',
      labelNames: ['consumer', 'signal'],
      registers,
    }),
    forwarded: new Counter({
      name: 'faultline_forwarder_sent_batches_total',
      help: 'Batches re-exported to the --forward-otlp endpoint.',
      labelNames: ['signal'],
      registers,
    }),
    forwardUndeliverable: new Counter({
      name: 'faultline_forwarder_undeliverable_batches_total',
      help: 'Batches that could not be re-exported, by reason (queue_full, rejected, retries_exhausted, shutdown_timeout).',
      labelNames: ['signal', 'reason'],
      registers,
    }),
    forwardRetries: new Counter({
      name: 'faultline_forwarder_retries_total',
      help: 'Re-export attempts that were retried after a retryable failure.',
      labelNames: ['signal'],
      registers,
    }),
    forwardQueueBatches: new Gauge({
      name: 'faultline_forwarder_queue_batches',
      help: 'Batches waiting to be re-exported.',
      registers,
    }),
    forwardQueueBytes: new Gauge({
      name: 'faultline_forwarder_queue_bytes',
      help: 'Bytes of request bodies held by the forwarder, waiting or in flight (bounded by collector.forwardQueueBytes).',
      registers,
    }),
  };
}
