import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseFaultSpec, type ProxyFaultSpec } from '../faults/specs.ts';
import { httpCall, keepAliveAgent, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { RemoteProxy } from './remote-proxy.ts';

const BIN = fileURLToPath(new URL('../../bin/faultline.mjs', import.meta.url));

describe('faultline proxy (standalone, control API)', () => {
  let upstream: Upstream;
  let child: ChildProcess;
  let output = '';
  let listenPort = 0;
  let controlUrl = '';

  before(async () => {
    upstream = await startUpstream();
    child = spawn(process.execPath, [BIN, 'proxy', '--listen', ':0', '--upstream', `127.0.0.1:${upstream.port}`, '--name', 'payments-1', '--control-token', 'sesame'], {
      env: { ...process.env, FAULTLINE_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`proxy not ready:\n${output}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const ready = output.split('\n').map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((l) => l.msg === 'faultline proxy ready');
        if (ready) {
          clearTimeout(timer);
          listenPort = Number(ready.listen.split(':').pop());
          controlUrl = ready.control;
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      child.once('exit', () => reject(new Error(`proxy exited:\n${output}`)));
    });
  });
  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await upstream.close();
  });

  it('will not open the control API beyond loopback without a token', () => {
    const result = spawnSync(process.execPath, [BIN, 'proxy', '--listen', ':0', '--upstream', '127.0.0.1:1', '--name', 'x', '--control-host', '0.0.0.0'], {
      env: { ...process.env, FAULTLINE_PROXY_TOKEN: '' }, encoding: 'utf8', timeout: 20_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--control-host 0\.0\.0\.0 is reachable from other machines: set --control-token/);
  });

  it('refuses control requests without the token', async () => {
    const res = await fetch(`${controlUrl}/faults`);
    assert.equal(res.status, 401);
    await assert.rejects(new RemoteProxy('payments-1', controlUrl, 'wrong').addFault(parseFaultSpec({ type: 'abort' }) as ProxyFaultSpec, 1000), /bearer token/);
  });

  it('rejects a bad spec naming the key', async () => {
    const res = await fetch(`${controlUrl}/faults`, {
      method: 'POST', headers: { authorization: 'Bearer sesame', 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { type: 'latency', latencyMs: 'x' }, leaseMs: 1000 }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'fault.latencyMs: expected a number' });
  });

  it('adds, renews and removes faults; a graceful stop reverts what is left', async () => {
    const remote = new RemoteProxy('payments-1', controlUrl, 'sesame');
    const agent = keepAliveAgent();
    assert.equal((await httpCall(listenPort, { agent })).status, 200);
    const { id } = await remote.addFault(parseFaultSpec({ type: 'abort', statusCode: 429 }) as ProxyFaultSpec, 5000, 'tester');
    assert.equal((await httpCall(listenPort, { agent })).status, 429);
    await remote.renewFault(id, 5000);
    await remote.removeFault(id);
    assert.equal((await httpCall(listenPort, { agent })).status, 200);
    await assert.rejects(remote.renewFault(id, 1000), /no lease/);
    await remote.addFault(parseFaultSpec({ type: 'latency', latencyMs: 10 }) as ProxyFaultSpec, 60_000, 'tester');
    agent.destroy();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(output.match(/"msg":"fault removed"/g)?.length, 2, 'the explicit removal and the one on stop');
    assert.match(output, /fault proxy stopped/);
  });
});
