import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

function runUp(args: string[], dataDir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/faultline.mjs', 'up', '--api-port', '0', '--data-dir', dataDir, ...args], {
      cwd: root, env: { ...process.env, REDIS_URL: '', FAULTLINE_LOG_FORMAT: 'json' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('faultline up when an OTLP port is taken', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-listen-'));
  let busy: Server;
  after(() => {
    busy?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases: Array<[string, (port: number) => string[], RegExp]> = [
    ['HTTP', (p) => ['--otlp-http-port', String(p), '--otlp-grpc-port', '0'], /cannot listen for OTLP\/HTTP on 127\.0\.0\.1:\d+: .*--otlp-http-port/],
    ['gRPC', (p) => ['--otlp-http-port', '0', '--otlp-grpc-port', String(p)], /cannot listen for OTLP\/gRPC on 127\.0\.0\.1:\d+: .*--otlp-grpc-port/],
  ];
  for (const [name, args, message] of cases) {
    it(`exits non-zero naming the ${name} port flag`, async () => {
      busy = createServer();
      await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
      const port = (busy.address() as AddressInfo).port;
      const { code, stderr } = await runUp(args(port), dataDir);
      await new Promise<void>((r) => busy.close(() => r()));
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    });
  }
});
