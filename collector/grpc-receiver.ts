import {
  Metadata, Server, ServerCredentials, ServerInterceptingCall, status as GrpcStatus,
  type ServerInterceptor, type ServerUnaryCall, type ServiceDefinition, type sendUnaryData,
} from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../platform/logger.ts';
import { formatHostPort } from '../platform/net.ts';
import type { Ingest } from './ingest.ts';
import type { CollectorMetrics, RefusalReason, Signal } from './metrics.ts';
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

/**
 * Why a call ended before reaching onExport, from the status grpc-js sent
 * itself: a message over max_receive_message_length (also once inflated), an
 * unsupported grpc-encoding, a compressed message that does not inflate or a
 * request without one complete message; none (or DEADLINE_EXCEEDED) when the
 * client gave up.
 */
function refusalOf(code: number | undefined, details: string): RefusalReason {
  if (code === GrpcStatus.RESOURCE_EXHAUSTED) return 'too_large';
  if (code === GrpcStatus.UNIMPLEMENTED && details.includes('unsupported encoding')) return 'unsupported_media_type';
  if (code === GrpcStatus.INTERNAL || code === GrpcStatus.UNIMPLEMENTED) return 'decode_error';
  return 'cancelled';
}

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
      interceptors: [this.observeCalls()],
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
   * Times every Export call and counts those that end before onExport runs.
   * grpc-js 1.14 refuses an oversized (or oversized when inflated) message,
   * an unknown grpc-encoding or a message that does not inflate from its
   * base call, whose own sendStatus skips every interceptor's: so this wraps
   * that call's sendStatus to see every status sent. The listener's onCancel
   * runs once for every call, after its status or when the client gave up,
   * and is where the call is recorded.
   */
  private observeCalls(): ServerInterceptor {
    const signalByPath = new Map(Object.entries(services).map(([signal, path]) => [path, signal as Signal]));
    const { ingest, metrics } = this.options;
    return (descriptor, call) => {
      const signal = signalByPath.get(descriptor.path);
      if (!signal) return new ServerInterceptingCall(call);
      const startMs = performance.now();
      let code: number | undefined;
      let details = '';
      let gotMessage = false;
      let reachedHandler = false;
      let recorded = false;
      const send = call.sendStatus.bind(call);
      call.sendStatus = (status) => {
        if (code === undefined) {
          code = status.code;
          details = status.details ?? '';
        }
        send(status);
      };
      return new ServerInterceptingCall(call, {
        start: (next) => next({
          onReceiveMessage: (message, nextMessage) => {
            gotMessage = true;
            nextMessage(message);
          },
          // grpc-js runs a unary handler from the half-close that follows its one message.
          onReceiveHalfClose: (nextHalfClose) => {
            reachedHandler = gotMessage;
            nextHalfClose();
          },
          onCancel: () => {
            if (recorded) return;
            recorded = true;
            const final = code ?? GrpcStatus.CANCELLED;
            metrics.requestDuration.labels('grpc', signal, GrpcStatus[final] ?? String(final)).observe((performance.now() - startMs) / 1000);
            if (reachedHandler) return; // onExport counted its own answer
            const reason = refusalOf(code, details);
            if (reason === 'decode_error') metrics.decodeErrors.labels('grpc', signal).inc();
            ingest.refuseRequest('grpc', signal, reason);
          },
        }),
      });
    };
  }

  private onExport(signal: Signal, call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void {
    const { ingest } = this.options;
    // observeCalls() times the call and sees the status sent here.
    const done = (code: number, body: Buffer | null, message = '', trailer?: Metadata) => {
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
