import { ErrorCode, FaultlineError, errorMessage } from '../platform/errors.ts';
import { formatHostPort } from '../platform/net.ts';
import type { PlatformContext, PlatformPart } from '../platform/part.ts';
import { Forwarder } from './forwarder.ts';
import { GrpcReceiver } from './grpc-receiver.ts';
import { HttpReceiver } from './http-receiver.ts';
import { Ingest } from './ingest.ts';
import { createCollectorMetrics } from './metrics.ts';
import { BatchQueue } from './queue.ts';

// Time requests already being read get to finish when stopping.
const IN_FLIGHT_GRACE_MS = 2000;
// The forwarder's share of the stop: half of shutdownTimeoutMs, at most this,
// counted from the signal. A downstream that never answers must not use up
// the time the parts stopping after the collector (analysis, chaos, Redis) need.
const FORWARD_STOP_MAX_MS = 4000;

/**
 * The collector: OTLP/HTTP and OTLP/gRPC receivers feeding one bounded queue
 * that delivers to ctx.consumers (and, with --forward-otlp, a forwarder).
 * It must be the last part in platform/parts.ts so every consumer is
 * registered before it starts, and stop first, draining into them.
 */
export function collectorPart(): PlatformPart {
  let http: HttpReceiver | undefined;
  let grpc: GrpcReceiver | undefined;
  let queue: BatchQueue | undefined;
  let forwarder: Forwarder | undefined;
  let ctxRef: PlatformContext | undefined;
  let log: PlatformContext['logger'] | undefined;
  let accepting = false;

  return {
    name: 'collector',
    async start(ctx) {
      ctxRef = ctx;
      const { config, logger } = ctx;
      const c = config.collector;
      log = logger.child({ part: 'collector' });
      const metrics = createCollectorMetrics(ctx.registry);
      queue = new BatchQueue({ capacityItems: c.queueCapacityItems, consumers: ctx.consumers, metrics, logger: log });
      if (c.forwardOtlpUrl) {
        forwarder = new Forwarder({ baseUrl: c.forwardOtlpUrl, capacityBytes: c.forwardQueueBytes, headers: c.forwardHeaders, metrics, logger: log });
      }
      const ingest = new Ingest({ queue, metrics, forwarder });
      const common = { ingest, metrics, logger: log, maxRequestBytes: c.maxRequestBytes, retryAfterSeconds: c.retryAfterSeconds, ingestToken: c.ingestToken };
      http = new HttpReceiver(common);
      grpc = new GrpcReceiver(common);
      let httpPort: number;
      let grpcPort: number;
      try {
        httpPort = (await http.listen(config.host, config.otlpHttpPort)).port;
      } catch (err) {
        throw cannotListen('OTLP/HTTP', config.host, config.otlpHttpPort, 'otlp-http-port', err);
      }
      try {
        grpcPort = await grpc.listen(config.host, config.otlpGrpcPort);
      } catch (err) {
        await http.close(0);
        throw cannotListen('OTLP/gRPC', config.host, config.otlpGrpcPort, 'otlp-grpc-port', err);
      }
      ctx.addresses.otlpHttp = `http://${formatHostPort(config.host, httpPort)}`;
      ctx.addresses.otlpGrpc = formatHostPort(config.host, grpcPort);
      accepting = true;
      // Not ready once stopping, so a load balancer stops sending here first.
      ctx.api.addReadinessCheck({ name: 'collector', check: () => accepting });
      log.debug({ consumers: ctx.consumers.map((x) => x.name), forwardOtlp: c.forwardOtlpUrl }, 'collector started');
    },
    async stop() {
      accepting = false;
      const forwardDeadlineMs = Date.now() + Math.min(FORWARD_STOP_MAX_MS, (ctxRef?.config.shutdownTimeoutMs ?? 9000) / 2);
      // Stop taking new requests, let those in flight land in the queue...
      await Promise.all([http?.close(IN_FLIGHT_GRACE_MS), grpc?.close(IN_FLIGHT_GRACE_MS)]);
      // ...then deliver everything accepted to the consumers.
      queue?.close();
      await queue?.drained();
      await forwarder?.stop(forwardDeadlineMs);
      log?.info({ deliveredBatches: queue?.deliveredBatches, deliveredItems: queue?.deliveredItems }, 'collector stopped: everything accepted was delivered');
    },
  };
}

function cannotListen(what: string, host: string, port: number, flag: string, err: unknown): FaultlineError {
  return new FaultlineError(
    ErrorCode.Unavailable,
    `cannot listen for ${what} on ${formatHostPort(host, port)}: ${errorMessage(err)}; choose another port with --${flag} (0 picks a free one)`,
    { cause: err },
  );
}
