import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

// `faultline up` with its API port taken (another faultline, a dev server on
// 7070) must say so and exit 2, not crash with an uncaught EADDRINUSE.
describe('faultline up when the API port is taken', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-api-listen-'));
  let busy: Server | undefined;
  after(() => {
    busy?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 2 naming the port and --api-port', async () => {
    busy = createServer();
    await new Promise<void>((r) => busy!.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    const child = spawn(process.execPath, ['bin/faultline.mjs', 'up', '--api-port', String(port), '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--data-dir', dataDir], {
      cwd: root, env: { ...process.env, REDIS_URL: '', FAULTLINE_LOG_FORMAT: 'json' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 2, stderr);
    assert.match(stderr, new RegExp(`cannot listen for the HTTP API on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*--api-port`));
    assert.doesNotMatch(stderr, /node:net/);
  });
});
