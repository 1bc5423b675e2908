import {
  Metadata, Server, ServerCredentials, ServerInterceptingCall, status as GrpcStatus,
  type ServerInterceptor, type ServerUnaryCall, type ServiceDefinition, type sendUnaryData,
} from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../platform/logger.ts';
import { formatHostPort } from '../platform/net.ts';
import type { Ingest } from './ingest.ts';
import type { CollectorMetrics, Signal } from './metrics.ts';
import { encodeExportResponse } from './otlp/index.ts';
import { bearerMatcher } from './bearer.ts';
import { encodeRetryStatusProto } from './retry-status.ts';

export interface GrpcReceiverOptions {
  ingest: Ingest;
  metrics: CollectorMetrics;
  logger: Logger;
  maxRequestBytes: number;
  retryAfterSeconds: number;
  ingestToken?: string;
}

const services: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const identity = (b: Buffer) => b;

/** A unary Export method whose messages stay raw bytes: our codec decodes them. */
function exportService(path: string): ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

/**
 * OTLP/gRPC: the three Export services on one @grpc/grpc-js server. grpc-js
 * inflates gzip messages and refuses with RESOURCE_EXHAUSTED any message
 * whose (decompressed) size passes max_receive_message_length.
 */
export class GrpcReceiver {
  private readonly server: Server;
  private readonly authorized?: (authorization: unknown) => boolean;
  private readonly successBodies = new Map<Signal, Buffer>();

  constructor(private readonly options: GrpcReceiverOptions) {
    this.authorized = bearerMatcher(options.ingestToken);
    this.server = new Server({
      'grpc.max_receive_message_length': options.maxRequestBytes,
      interceptors: [this.countOversized()],
    });
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      this.successBodies.set(signal, Buffer.from(encodeExportResponse(signal, 0, '', 'proto')));
      this.server.addService(exportService(services[signal]), {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => this.onExport(signal, call, callback),
      });
    }
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(formatHostPort(host, port), ServerCredentials.createInsecure(), (err, bound) => {
        if (err) reject(err);
        else resolve(bound);
      });
    });
  }

  /** Refuses new calls, lets calls in flight finish (up to graceMs), then cuts the rest. */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * grpc-js refuses an oversized (or oversized when inflated) message before
   * our handler runs; this sees the status it sends so the refusal is counted.
   */
  private countOversized(): ServerInterceptor {
    const signalByPath = new Map(Object.entries(services).map(([signal, path]) => [path, signal as Signal]));
    return (descriptor, call) => new ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        const signal = signalByPath.get(descriptor.path);
        if (signal && status.code === GrpcStatus.RESOURCE_EXHAUSTED) this.options.ingest.refuseRequest('grpc', signal, 'too_large');
        next(status);
      },
    });
  }

  private onExport(signal: Signal, call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
    const startMs = performance.now();
    const { ingest, metrics } = this.options;
    const done = (code: number, body: Buffer | null, message = '', trailer?: Metadata) => {
      metrics.requestDuration.labels('grpc', signal, GrpcStatus[code] ?? String(code)).observe((performance.now() - startMs) / 1000);
      if (code === GrpcStatus.OK) callback(null, body);
      else callback({ code, details: message, metadata: trailer }, null);
    };
    if (this.authorized && !this.authorized(call.metadata.get('authorization')[0])) {
      ingest.refuseRequest('grpc', signal, 'unauthorized');
      done(GrpcStatus.UNAUTHENTICATED, null, 'missing or wrong ingest token: send metadata authorization: Bearer <token>');
      return;
    }
    let result;
    try {
      result = ingest.handle(signal, 'grpc', 'protobuf', call.request);
    } catch (err) {
      this.options.logger.error({ err, signal }, 'OTLP/gRPC request failed');
      done(GrpcStatus.INTERNAL, null, 'internal error while ingesting the request');
      return;
    }
    if (result.kind === 'success') {
      const body = result.rejectedItems === 0 && result.message === ''
        ? this.successBodies.get(signal)!
        : Buffer.from(encodeExportResponse(signal, result.rejectedItems, result.message, 'proto'));
      done(GrpcStatus.OK, body);
    } else if (result.kind === 'invalid') {
      done(GrpcStatus.INVALID_ARGUMENT, null, result.message);
    } else {
      // OTLP "Throttling": UNAVAILABLE with a google.rpc.RetryInfo detail tells the client when to retry.
      const message = result.kind === 'full' ? 'the collector queue is full; retry later' : 'the collector is shutting down';
      const trailer = new Metadata();
      trailer.set('grpc-status-details-bin', Buffer.from(
        encodeRetryStatusProto(GrpcStatus.UNAVAILABLE, message, this.options.retryAfterSeconds),
      ));
      done(GrpcStatus.UNAVAILABLE, null, message, trailer);
    }
  }
}
