// One instance of a scenario service: a real HTTP server in its own process,
// instrumented with the OpenTelemetry Node SDK. Started by the scenario
// supervisor with its configuration in FAULTLINE_INSTANCE; exits when told
// (SIGTERM/SIGINT) or when its supervisor goes away (IPC channel closes).
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { EXIT_ADDRESS_IN_USE, INSTANCE_ENV, type InstanceConfig, type InstanceMessage } from './instance-config.ts';
import { startTelemetry } from './telemetry.ts';

const config = JSON.parse(process.env[INSTANCE_ENV] ?? 'null') as InstanceConfig | null;
if (!config) {
  process.stderr.write(`${INSTANCE_ENV} is not set: this program is started by \`faultline scenario run\`\n`);
  process.exit(2);
}

// The SDK first, then `http` through require, so the instrumentation's hook
// patches the very module object this process serves and calls with.
const telemetry = startTelemetry(config);
const http = createRequire(import.meta.url)('http') as typeof Http;
const { Redis } = await import('ioredis');
const { Downstream } = await import('./downstream.ts');
const { QueueConsumer, QueueProducer } = await import('./queue.ts');
const { ServiceBehaviour } = await import('./behaviour.ts');

const tracer = trace.getTracer('faultline-scenario');
const log = (msg: string) => process.stderr.write(`[${config.instanceId}] ${msg}\n`);
const hasAsyncCalls = config.service.calls.some((c) => c.async);
const redisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false } as const;
const producerRedis = hasAsyncCalls ? new Redis(config.redisUrl, redisOptions) : undefined;
producerRedis?.on('error', (err) => log(`redis: ${err.message}`));
const producer = producerRedis ? new QueueProducer(producerRedis, tracer, config.scenario, config.redisUrl) : undefined;
const downstream = new Downstream(http, config.downstream, config.service.resilience);
const behaviour = new ServiceBehaviour(config.scenario, config.service, tracer, downstream, producer);

const server = http.createServer((req, res) => {
  const route = new URL(req.url ?? '/', 'http://local').pathname;
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = route;
  trace.getActiveSpan()?.setAttribute(ATTR_HTTP_ROUTE, route);
  behaviour.handle().then(
    (outcome) => {
      res.writeHead(outcome.status, { 'content-type': 'text/plain' });
      res.end(outcome.reason ? `${outcome.reason}\n` : 'ok\n');
    },
    (err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${String(err)}\n`);
    },
  );
});
server.keepAliveTimeout = 30_000;

let consumer: InstanceType<typeof QueueConsumer> | undefined;
if (config.consumeQueues.length > 0) {
  const consumerRedis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  consumerRedis.on('error', (err) => log(`redis: ${err.message}`));
  consumer = new QueueConsumer(consumerRedis, tracer, config.scenario, config.redisUrl, config.consumeQueues,
    async (_operation, ctx) => {
      const outcome = await context.with(ctx, () => behaviour.handle());
      if (outcome.status >= 500) throw new Error(outcome.reason ?? `status ${outcome.status}`);
    },
    (err) => log(`queue: ${String(err)}`));
  consumer.start();
}

server.once('error', (err: NodeJS.ErrnoException) => {
  log(`cannot listen on ${config.host}:${config.port}: ${err.message}`);
  process.exit(err.code === 'EADDRINUSE' ? EXIT_ADDRESS_IN_USE : 1);
});
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const message: InstanceMessage = { type: 'ready', port };
  process.send?.(message);
});

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  setTimeout(() => process.exit(0), 3000).unref();
  server.close();
  server.closeAllConnections();
  downstream.close();
  await consumer?.stop();
  producerRedis?.disconnect();
  await telemetry.shutdown();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('disconnect', () => void stop('supervisor gone'));
