import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

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
