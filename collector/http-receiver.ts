import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../platform/logger.ts';
import type { Ingest, IngestResult } from './ingest.ts';
import type { CollectorMetrics, Encoding, Signal } from './metrics.ts';
import { encodeExportResponse, encodeRpcStatus } from './otlp/index.ts';
import { bearerMatcher } from './bearer.ts';
import { readBody } from './read-body.ts';
import { encodeRetryStatusJson, encodeRetryStatusProto } from './retry-status.ts';

export interface HttpReceiverOptions {
  ingest: Ingest;
  metrics: CollectorMetrics;
  logger: Logger;
  maxRequestBytes: number;
  retryAfterSeconds: number;
  ingestToken?: string;
}

const signalByPath: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
const contentTypes: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

// gRPC status codes used in google.rpc.Status bodies (google/rpc/code.proto).
const RPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 };

function encodingOf(contentType: string | undefined): Encoding | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

/**
 * OTLP/HTTP on plain node:http (no framework on the hot path): POST
 * /v1/{traces,metrics,logs}, protobuf or JSON, gzip or identity, answered in
 * the request's encoding as opentelemetry-proto docs/specification.md says.
 */
export class HttpReceiver {
  private readonly server: Server;
  private readonly successBodies = new Map<string, Uint8Array>();
  private readonly authorized?: (authorization: unknown) => boolean;
  private inFlight = 0;
  private idle?: () => void;

  constructor(private readonly options: HttpReceiverOptions) {
    this.authorized = bearerMatcher(options.ingestToken);
    this.server = createServer({ keepAliveTimeout: 30_000, requestTimeout: 60_000 }, (req, res) => this.onRequest(req, res));
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      for (const encoding of ['protobuf', 'json'] as const) {
        this.successBodies.set(signal + encoding, encodeExportResponse(signal, 0, '', encoding === 'protobuf' ? 'proto' : 'json'));
      }
    }
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting connections and waits (up to graceMs) for requests in
   * flight to be answered; what they carried is in the queue afterwards.
   */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => { this.idle = resolve; }),
        new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    this.server.closeAllConnections();
    await closed;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const startMs = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const signal = signalByPath[q < 0 ? url : url.slice(0, q)];
    const encoding = encodingOf(req.headers['content-type']);
    const reply = (status: number, body: Uint8Array, headers: Record<string, string> = {}, answerEncoding = encoding ?? 'json') => {
      res.writeHead(status, { 'Content-Type': contentTypes[answerEncoding], 'Content-Length': String(body.length), ...headers });
      res.end(body);
      if (signal) this.options.metrics.requestDuration.labels('http', signal, String(status)).observe((performance.now() - startMs) / 1000);
    };
    const fail = (status: number, rpcCode: number, message: string, headers?: Record<string, string>) =>
      reply(status, encodeRpcStatus(rpcCode, message, encoding === 'protobuf' ? 'proto' : 'json'), headers);

    if (!signal) {
      req.resume();
      fail(404, RPC.NOT_FOUND, `no OTLP endpoint at ${url}; use /v1/traces, /v1/metrics or /v1/logs`);
      return;
    }
    const { ingest } = this.options;
    if (req.method !== 'POST') {
      req.resume();
      fail(405, RPC.UNIMPLEMENTED, `${req.method} is not allowed on ${url}; OTLP/HTTP uses POST`, { Allow: 'POST' });
      return;
    }
    if (this.authorized && !this.authorized(req.headers.authorization)) {
      req.resume();
      ingest.refuseRequest('http', signal, 'unauthorized');
      fail(401, RPC.UNAUTHENTICATED, 'missing or wrong ingest token: send Authorization: Bearer <token>', { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    if (!encoding) {
      req.resume();
      ingest.refuseRequest('http', signal, 'unsupported_media_type');
      fail(415, RPC.INVALID_ARGUMENT, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`);
      return;
    }
    const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (contentEncoding !== 'gzip' && contentEncoding !== 'identity') {
      req.resume();
      ingest.refuseRequest('http', signal, 'unsupported_media_type');
      fail(415, RPC.INVALID_ARGUMENT, `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}; use gzip or none`);
      return;
    }

    this.inFlight++;
    readBody(req, this.options.maxRequestBytes, contentEncoding === 'gzip').then((read) => {
      try {
        if (!read.ok) {
          if (read.status === 0) {
            // Nobody to answer, so no status for the duration histogram; counted all the same.
            ingest.refuseRequest('http', signal, 'cancelled');
            return;
          }
          if (read.status === 400) this.options.metrics.decodeErrors.labels('http', signal).inc();
          ingest.refuseRequest('http', signal, read.status === 413 ? 'too_large' : 'decode_error');
          fail(read.status, read.status === 413 ? RPC.RESOURCE_EXHAUSTED : RPC.INVALID_ARGUMENT, read.message);
          return;
        }
        this.answer(signal, encoding, ingest.handle(signal, 'http', encoding, read.body), reply, fail);
      } catch (err) {
        this.options.logger.error({ err, signal }, 'OTLP/HTTP request failed');
        if (!res.headersSent) fail(500, RPC.INTERNAL, 'internal error while ingesting the request');
      } finally {
        if (--this.inFlight === 0) this.idle?.();
      }
    }, (err: unknown) => {
      this.options.logger.error({ err }, 'reading an OTLP/HTTP body failed');
      if (--this.inFlight === 0) this.idle?.();
    });
  }

  private answer(
    signal: Signal,
    encoding: Encoding,
    result: IngestResult,
    reply: (status: number, body: Uint8Array, headers?: Record<string, string>) => void,
    fail: (status: number, rpcCode: number, message: string) => void,
  ): void {
    if (result.kind === 'success') {
      const body = result.rejectedItems === 0 && result.message === ''
        ? this.successBodies.get(signal + encoding)!
        : encodeExportResponse(signal, result.rejectedItems, result.message, encoding === 'protobuf' ? 'proto' : 'json');
      reply(200, body);
    } else if (result.kind === 'invalid') {
      fail(400, RPC.INVALID_ARGUMENT, result.message);
    } else {
      const seconds = this.options.retryAfterSeconds;
      const message = result.kind === 'full'
        ? 'the collector queue is full; retry later'
        : 'the collector is shutting down; retry against another instance or later';
      const body = encoding === 'protobuf'
        ? encodeRetryStatusProto(RPC.UNAVAILABLE, message, seconds)
        : encodeRetryStatusJson(RPC.UNAVAILABLE, message, seconds);
      reply(503, body, { 'Retry-After': String(seconds) });
    }
  }
}
