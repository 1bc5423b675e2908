import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createApiServer } from './api/server.ts';
import { TokenRegistry } from './auth/tokens.ts';
import type { FaultlineConfig } from './config/schema.ts';
import { ErrorCode, FaultlineError, errorMessage } from './errors.ts';
import type { Logger } from './logger.ts';
import { formatHostPort } from './net.ts';
import type { PlatformContext, PlatformPart } from './part.ts';
import { partFactories } from './parts.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from './redis/embedded-redis.ts';

export interface Platform {
  context: PlatformContext;
  /** Graceful stop: parts in reverse order, then the API, then Redis. */
  stop(): Promise<void>;
}

/** How long start-up waits for Redis before saying it cannot be reached. */
const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Waits until the client is ready. Fails with a message that names the URL
 * when Redis cannot be reached in time, and gives up at once on `abort`.
 */
async function waitForRedis(redis: Redis, url: string, abort?: AbortSignal): Promise<void> {
  if (redis.status === 'ready') return;
  let lastError = '';
  const onError = (err: Error) => { lastError = err.message; };
  redis.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new FaultlineError(ErrorCode.Unavailable,
        `cannot reach Redis at ${url} within ${REDIS_CONNECT_TIMEOUT_MS / 1000} s${lastError ? ` (${lastError})` : ''}; check REDIS_URL, or unset it to run a private redis-server`)), REDIS_CONNECT_TIMEOUT_MS);
      const done = () => { clearTimeout(timer); abort?.removeEventListener('abort', aborted); };
      const aborted = () => { done(); reject(new FaultlineError(ErrorCode.Unavailable, 'start-up cancelled')); };
      abort?.addEventListener('abort', aborted, { once: true });
      redis.once('ready', () => { done(); resolve(); });
    });
  } finally {
    redis.off('error', onError);
  }
}

export async function startPlatform(config: FaultlineConfig, logger: Logger, abort?: AbortSignal): Promise<Platform> {
  mkdirSync(config.dataDir, { recursive: true });
  let embedded: EmbeddedRedis | undefined;
  let redisUrl = config.redisUrl;
  if (!redisUrl) {
    embedded = await startEmbeddedRedis(config.dataDir, logger);
    redisUrl = embedded.url;
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  try {
    await waitForRedis(redis, redisUrl, abort);
  } catch (err) {
    redis.disconnect();
    await embedded?.stop();
    throw err;
  }

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'faultline_' });
  // prom-client names these gauges with a `_total` suffix, which Prometheus
  // reserves for counters (promtool rejects them); the same figures remain
  // as faultline_nodejs_active_{handles,requests,resources}.
  for (const name of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`faultline_nodejs_active_${name}_total`);
  const api = createApiServer(registry, logger);
  api.addReadinessCheck({ name: 'redis', check: () => redis.status === 'ready' });

  const auth = new TokenRegistry(config.auth, process.env, config.dataDir);
  if (auth.generatedTokenFile) {
    logger.info({ tokenFile: auth.generatedTokenFile }, 'no API tokens configured: generated an operator token (the CLI reads it from this file)');
  }
  const context: PlatformContext = {
    config, logger, registry, api, redisUrl, redis, auth,
    consumers: [], services: new Map(), addresses: {},
  };
  const started: PlatformPart[] = [];
  const stopParts = async () => {
    for (const part of started.reverse()) {
      try {
        await part.stop();
      } catch (err) {
        logger.error({ err, part: part.name }, 'part failed to stop cleanly');
      }
    }
  };
  try {
    const apiAddress = await api.listen(config.host, config.apiPort).catch((err: unknown) => {
      throw new FaultlineError(
        ErrorCode.Unavailable,
        `cannot listen for the HTTP API on ${formatHostPort(config.host, config.apiPort)}: ${errorMessage(err)}; choose another port with --api-port (0 picks a free one)`,
        { cause: err },
      );
    });
    context.addresses.api = `http://${formatHostPort(config.host, apiAddress.port)}`;
    for (const factory of partFactories) {
      const part = factory(context);
      await part.start(context);
      started.push(part);
    }
  } catch (err) {
    await stopParts();
    await api.close();
    redis.disconnect();
    await embedded?.stop();
    throw err;
  }
  api.setReady(true);
  logger.info({ ...context.addresses, redis: redisUrl, dataDir: config.dataDir }, 'faultline ready');

  return {
    context,
    async stop() {
      api.setReady(false);
      await stopParts();
      await api.close();
      await redis.quit().catch(() => redis.disconnect());
      await embedded?.stop();
    },
  };
}
