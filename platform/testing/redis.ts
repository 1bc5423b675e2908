import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../logger.ts';
import { startEmbeddedRedis } from '../redis/embedded-redis.ts';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** A real redis-server on a free loopback port with its own temp dir, for tests. */
export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-test-redis-'));
  const redis = await startEmbeddedRedis(dir, silentLogger());
  return {
    url: redis.url,
    async stop() {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
