import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { BatchConsumer } from '../model/pipeline.ts';
import type { ApiServer } from './api/server.ts';
import type { TokenRegistry } from './auth/tokens.ts';
import type { FaultlineConfig } from './config/schema.ts';
import type { Logger } from './logger.ts';

/** What every part of the platform gets when it starts. */
export interface PlatformContext {
  config: FaultlineConfig;
  logger: Logger;
  /** Self-metrics registry behind /metrics (one per platform instance). */
  registry: Registry;
  api: ApiServer;
  redisUrl: string;
  /** A shared connection for simple commands; parts that block (BullMQ) open their own. */
  redis: Redis;
  /** Consumers the collector feeds; parts add theirs before the collector starts. */
  consumers: BatchConsumer[];
  /** Services parts expose to each other, by name (e.g. 'analysis'). */
  services: Map<string, unknown>;
  /** API tokens and roles; guard control endpoints with requireRole(ctx.auth, ...). */
  auth: TokenRegistry;
  /** Listening addresses parts report, printed in the ready log line. */
  addresses: Record<string, string>;
}

/**
 * A part of the platform. Parts start in the order of platform/parts.ts and
 * stop in reverse, so the collector (started last) stops accepting and drains
 * first, while everything it feeds is still running.
 */
export interface PlatformPart {
  name: string;
  start(ctx: PlatformContext): Promise<void>;
  stop(): Promise<void>;
}
