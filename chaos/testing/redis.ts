import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../platform/logger.ts';
import { startEmbeddedRedis } from '../../platform/redis/embedded-redis.ts';

/** A real redis-server on a free loopback port with a temp dir, for one test file. */
export async function startTestRedis(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fl-redis-'));
  const redis = await startEmbeddedRedis(dir, silentLogger());
  return {
    url: redis.url,
    pid: redis.pid,
    async stop() {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
