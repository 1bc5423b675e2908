import type { ConnectionOptions } from 'bullmq';

/**
 * BullMQ closes only the connections it opened itself (and bundles its own
 * ioredis), so queues and workers get options parsed from the Redis URL
 * rather than a shared client. Shared by chaos (agent, scheduler) and
 * analysis/notify.
 */
export function bullConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}
