import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startFaultline } from '../testing/faultline-process.ts';

const root = new URL('../..', import.meta.url).pathname;

describe('faultline up without redis-server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-noredis-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits non-zero and says how to install it when redis-server is not on PATH', () => {
    const result = spawnSync(process.execPath, [
      'bin/faultline.mjs', 'up', '--api-port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--data-dir', dataDir,
    ], {
      cwd: root,
      // A PATH with no redis-server on it, and no REDIS_URL.
      env: { PATH: join(dataDir, 'empty-bin'), HOME: process.env.HOME ?? '/tmp', FAULTLINE_LOG_FORMAT: 'json' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.notEqual(result.status, 0);
    assert.notEqual(result.status, null);
    assert.match(result.stderr, /redis-server was not found on PATH/);
    assert.match(result.stderr, /apt-get install redis-server/);
    assert.match(result.stderr, /REDIS_URL/);
  });
});

describe('the embedded redis-server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-redis-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('does not outlive a faultline up killed with SIGKILL, and comes back on the same port', async () => {
    const fl = await startFaultline({ args: ['--data-dir', dataDir] });
    const redisUrl = fl.addresses.redis;
    const started = fl.logs.find((l) => l.msg === 'embedded redis-server started');
    const redisPid = Number(started?.redisPid);
    assert.ok(redisPid > 1, 'the start-up log names the redis-server pid');
    const alive = () => { try { process.kill(redisPid, 0); return true; } catch { return false; } };
    assert.ok(alive());
    // SIGKILL to faultline alone (not its group): nothing in faultline gets to stop Redis.
    process.kill(fl.pid, 'SIGKILL');
    await fl.stop();
    const deadline = Date.now() + 15_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, `redis-server ${redisPid} still runs after its faultline was killed`);
    // Agents and scenario runners were given this URL: a restart keeps it.
    const again = await startFaultline({ args: ['--data-dir', dataDir] });
    try {
      assert.equal(again.addresses.redis, redisUrl);
    } finally {
      await again.stop();
    }
  });
});
