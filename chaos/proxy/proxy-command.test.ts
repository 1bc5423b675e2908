import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseFaultSpec, type ProxyFaultSpec } from '../faults/specs.ts';
import { httpCall, keepAliveAgent, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { run, runOk } from '../drivers/exec.ts';
import { RemoteProxy } from './remote-proxy.ts';

const BIN = fileURLToPath(new URL('../../bin/faultline.mjs', import.meta.url));

describe('faultline proxy (standalone, control API)', () => {
  let upstream: Upstream;
  let child: ChildProcess;
  let output = '';
  let listenPort = 0;
  let controlUrl = '';
  let readyLine = '';

  before(async () => {
    upstream = await startUpstream();
    child = spawn(process.execPath, [BIN, 'proxy', '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${upstream.port}`, '--name', 'payments-1', '--control-token', 'sesame', '--max-lease-ms', '60000'], {
      env: { ...process.env, FAULTLINE_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`proxy not ready:\n${output}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        readyLine = output.split('\n').find((l) => l.includes('"faultline proxy ready"')) ?? '';
        const ready = readyLine && output.includes('\n', output.indexOf(readyLine)) ? JSON.parse(readyLine) : undefined;
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

  it('says it is ready once, with its name under proxy, listening where it was told', () => {
    assert.equal(readyLine.match(/"name":/g)?.length, 1, readyLine);
    const ready = JSON.parse(readyLine);
    assert.equal(ready.proxy, 'payments-1');
    assert.equal(ready.listen, `127.0.0.1:${listenPort}`);
  });

  it('listens on every interface for --listen :PORT, as Toxiproxy does', async () => {
    // In a namespace of its own, whose only interface is loopback.
    const netns = `fl-test-${randomBytes(3).toString('hex')}`;
    await runOk('ip', ['netns', 'add', netns]);
    try {
      await runOk('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
      const wide = spawn('ip', ['netns', 'exec', netns, process.execPath, BIN, 'proxy', '--listen', ':0', '--upstream', '127.0.0.1:1', '--name', 'wide'], {
        env: { ...process.env, FAULTLINE_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let seen = '';
      const ready = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve(seen), 20_000);
        const onData = (chunk: Buffer) => {
          seen += chunk.toString();
          const line = seen.split('\n').find((l) => l.includes('"faultline proxy ready"'));
          if (line) {
            clearTimeout(timer);
            resolve(line);
          }
        };
        wide.stdout!.on('data', onData);
        wide.stderr!.on('data', onData);
        wide.once('exit', () => { clearTimeout(timer); resolve(seen); });
      });
      const exited = new Promise((r) => wide.once('exit', r));
      if (wide.exitCode === null) wide.kill('SIGTERM');
      await exited;
      assert.match(ready, /"listen":"0\.0\.0\.0:\d+"/, ready);
    } finally {
      await run('ip', ['netns', 'del', netns]);
    }
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

  const badBodies: Array<[string, string, unknown, string]> = [
    ['a fault without its spec', '/faults', { leaseMs: 1000 }, 'fault: required'],
    ['a lease beyond --max-lease-ms', '/faults', { fault: { type: 'abort' }, leaseMs: 2 ** 31 }, "leaseMs: must be at most 60000 ms (the proxy's --max-lease-ms)"],
    ['a renewal beyond --max-lease-ms', '/faults/x/renew', { leaseMs: 60_001 }, "leaseMs: must be at most 60000 ms (the proxy's --max-lease-ms)"],
    ['a lease that is not a number', '/faults', { fault: { type: 'abort' }, leaseMs: '5s' }, 'leaseMs: expected a number'],
  ];
  for (const [name, path, payload, error] of badBodies) {
    it(`refuses ${name}, naming the key`, async () => {
      const res = await fetch(`${controlUrl}${path}`, {
        method: 'POST', headers: { authorization: 'Bearer sesame', 'content-type': 'application/json' }, body: JSON.stringify(payload),
      });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error });
    });
  }

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
