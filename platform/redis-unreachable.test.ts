import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from './net.ts';

const root = new URL('..', import.meta.url).pathname;

function up(redisUrl: string) {
  const child = spawn(process.execPath, ['bin/faultline.mjs', 'up', '--api-port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0',
    '--data-dir', mkdtempSync(join(tmpdir(), 'faultline-noredis-'))], {
    cwd: root, env: { ...process.env, REDIS_URL: redisUrl, FAULTLINE_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => output };
}

describe('faultline up with a REDIS_URL nothing answers', () => {
  it('exits 2 within about 10 s with a message that names the URL', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const p = up(url);
    const code = await p.exited;
    assert.equal(code, 2);
    assert.match(p.output(), new RegExp(`cannot reach Redis at ${url} within 10 s`));
  });

  it('stops at once with exit 0 on SIGTERM while it waits', async () => {
    const p = up(`redis://127.0.0.1:${await freePort()}`);
    const deadline = Date.now() + 20_000;
    while (!p.output().includes('redis connection error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
    assert.match(p.output(), /stopping during start-up/);
  });
});
