import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseFaultSpec, type ProxyFaultSpec } from '../faults/specs.ts';
import { FakeClock } from '../leases/clock.ts';
import { httpCall, keepAliveAgent, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

const spec = (input: Record<string, unknown>) => parseFaultSpec(input) as ProxyFaultSpec;

/** The first whole response in `text` (Content-Length or chunked) and what follows it, or undefined. */
function takeResponse(text: string): { status: number; body: string; rest: string } | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = text.slice(0, end);
  const status = Number(head.slice(9, 12));
  let at = end + 4;
  if (!/\r\ntransfer-encoding: chunked/i.test(head)) {
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
    return text.length < at + length ? undefined : { status, body: text.slice(at, at + length), rest: text.slice(at + length) };
  }
  let body = '';
  for (;;) {
    const eol = text.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = Number.parseInt(text.slice(at, eol), 16);
    if (text.length < eol + 2 + size + 2) return undefined;
    body += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
    if (size === 0) return { status, body, rest: text.slice(at) };
  }
}

/** A raw client socket, and the responses it reads, for requests written piece by piece. */
async function rawClient(port: number): Promise<{ socket: Socket; write(text: string): void; next(timeoutMs?: number): Promise<{ status: number; body: string }> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let buffered = '';
  socket.on('data', (chunk: Buffer) => { buffered += chunk.toString('latin1'); });
  return {
    socket,
    write: (text) => socket.write(text),
    async next(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = takeResponse(buffered);
        if (response) {
          buffered = response.rest;
          return { status: response.status, body: response.body };
        }
        if (Date.now() > deadline) throw new Error(`no whole response within ${timeoutMs} ms; have ${JSON.stringify(buffered)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('fault proxy', () => {
  let upstream: Upstream;
  let proxy: FaultProxy;
  const clock = new FakeClock();

  before(async () => {
    upstream = await startUpstream();
    proxy = await startFaultProxy({ name: 'svc-1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: upstream.port, clock });
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('passes requests through, bodies with length and chunked, on one kept-alive connection', async () => {
    const agent = keepAliveAgent();
    const a = await httpCall(proxy.port, { agent, body: 'x'.repeat(1000) });
    const b = await httpCall(proxy.port, { agent, body: 'y'.repeat(5000), chunked: true });
    const c = await httpCall(proxy.port, { agent, path: '/bytes/200000' });
    assert.deepEqual(JSON.parse(a.body.toString()).received, 1000);
    assert.deepEqual(JSON.parse(b.body.toString()).received, 5000);
    assert.equal(c.body.length, 200000);
    assert.equal(a.headers['x-upstream-peer-port'], b.headers['x-upstream-peer-port']);
    agent.destroy();
  });

  it('adds latency to an existing connection and stops when the fault is removed', async () => {
    const agent = keepAliveAgent();
    const before = await httpCall(proxy.port, { agent });
    const { id } = proxy.addFault(spec({ type: 'latency', latencyMs: 150 }), 10_000);
    const slow = await httpCall(proxy.port, { agent });
    assert.ok(slow.elapsedMs >= 150, `elapsed ${slow.elapsedMs}`);
    await proxy.removeFault(id);
    const fast = await httpCall(proxy.port, { agent });
    assert.ok(fast.elapsedMs < 100, `elapsed ${fast.elapsedMs}`);
    assert.equal(before.headers['x-upstream-peer-port'], fast.headers['x-upstream-peer-port']);
    agent.destroy();
  });

  it('spreads latency by its jitter', async () => {
    const agent = keepAliveAgent();
    const { id } = proxy.addFault(spec({ type: 'latency', latencyMs: 20, jitterMs: 80 }), 10_000);
    const elapsed: number[] = [];
    for (let i = 0; i < 12; i++) elapsed.push((await httpCall(proxy.port, { agent })).elapsedMs);
    await proxy.removeFault(id);
    agent.destroy();
    assert.ok(Math.min(...elapsed) >= 20, `min ${Math.min(...elapsed)}`);
    // Twelve uniform draws over 80 ms span less than 20 ms with probability ~2e-6.
    assert.ok(Math.max(...elapsed) - Math.min(...elapsed) > 20, `spread ${elapsed.map((e) => e.toFixed(0)).join(',')}`);
  });

  it('with upstream latency also delays connection set-up, and stops delaying once removed', async () => {
    const { id } = proxy.addFault(spec({ type: 'latency', latencyMs: 200, direction: 'upstream' }), 10_000);
    const fresh = await httpCall(proxy.port);
    assert.ok(fresh.elapsedMs >= 390, `set-up plus request: ${fresh.elapsedMs} ms`);
    const pending = httpCall(proxy.port);
    await new Promise((r) => setTimeout(r, 50));
    await proxy.removeFault(id);
    const released = await pending;
    assert.ok(released.elapsedMs < 180, `released at removal: ${released.elapsedMs} ms`);
  });

  it('aborts HTTP requests with the chosen status and keeps the connection usable', async () => {
    const agent = keepAliveAgent();
    const first = await httpCall(proxy.port, { agent });
    const { id } = proxy.addFault(spec({ type: 'abort', statusCode: 502, body: 'nope' }), 10_000);
    const aborted = await httpCall(proxy.port, { agent, body: 'z'.repeat(3000) });
    assert.equal(aborted.status, 502);
    assert.equal(aborted.body.toString(), 'nope');
    assert.equal(aborted.headers['x-faultline-fault'], id);
    await proxy.removeFault(id);
    const after = await httpCall(proxy.port, { agent, body: 'ok' });
    assert.equal(after.status, 200);
    assert.equal(JSON.parse(after.body.toString()).received, 2);
    assert.equal(first.headers['x-upstream-peer-port'], after.headers['x-upstream-peer-port']);
    agent.destroy();
  });

  // A keep-alive client reads no content after HEAD, 204 and 304: bytes sent
  // anyway would be taken for the start of the next response.
  const bodiless: Array<{ method: string; statusCode: number; contentLength?: string }> = [
    { method: 'HEAD', statusCode: 503, contentLength: String(Buffer.byteLength('nope')) },
    { method: 'GET', statusCode: 204 },
    { method: 'GET', statusCode: 304 },
    { method: 'GET', statusCode: 205, contentLength: '0' },
  ];
  for (const c of bodiless) {
    it(`answers an aborted ${c.method} with ${c.statusCode} without content, and the connection stays usable`, async () => {
      const agent = keepAliveAgent();
      const first = await httpCall(proxy.port, { agent });
      const { id } = proxy.addFault(spec({ type: 'abort', statusCode: c.statusCode, body: 'nope' }), 10_000);
      const aborted = await httpCall(proxy.port, { agent, method: c.method });
      assert.equal(aborted.status, c.statusCode);
      assert.equal(aborted.body.length, 0);
      assert.equal(aborted.headers['content-length'], c.contentLength);
      await proxy.removeFault(id);
      const after = await httpCall(proxy.port, { agent, body: 'ok' });
      assert.equal(after.status, 200);
      assert.equal(JSON.parse(after.body.toString()).received, 2);
      assert.equal(first.headers['x-upstream-peer-port'], after.headers['x-upstream-peer-port']);
      agent.destroy();
    });
  }

  it('sends on the part of a request head it held when the last fault goes away', async () => {
    const client = await rawClient(proxy.port);
    client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.equal((await client.next()).status, 200);
    const { id } = proxy.addFault(spec({ type: 'latency', latencyMs: 20 }), 10_000);
    client.write('POST /partial HTTP/1.1\r\nHost: a\r\nContent-');
    await new Promise((r) => setTimeout(r, 50));
    await proxy.removeFault(id);
    client.write('Length: 3\r\n\r\nabc');
    const reply = await client.next();
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { received: 3, url: '/partial' });
    client.socket.destroy();
  });

  it('keeps the rest of an aborted request from the service when the fault goes away mid-body', async () => {
    const client = await rawClient(proxy.port);
    const { id } = proxy.addFault(spec({ type: 'abort', statusCode: 503 }), 10_000);
    client.write('POST /aborted HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello');
    assert.equal((await client.next()).status, 503);
    await proxy.removeFault(id);
    client.write('world');
    client.write('GET /next HTTP/1.1\r\nHost: a\r\n\r\n');
    const reply = await client.next();
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { received: 0, url: '/next' });
    client.socket.destroy();
  });

  it('aborts about the given share of requests', async () => {
    const agent = keepAliveAgent();
    const { id } = proxy.addFault(spec({ type: 'abort', statusCode: 503, share: 0.5 }), 10_000);
    let aborted = 0;
    for (let i = 0; i < 200; i++) if ((await httpCall(proxy.port, { agent })).status === 503) aborted += 1;
    await proxy.removeFault(id);
    // Binomial(200, 0.5): outside [60, 140] has probability ~1e-8.
    assert.ok(aborted > 60 && aborted < 140, `aborted ${aborted} of 200`);
    agent.destroy();
  });

  it('resets connections with abort mode reset', async () => {
    const { id } = proxy.addFault(spec({ type: 'abort', mode: 'reset' }), 10_000);
    await assert.rejects(httpCall(proxy.port), /ECONNRESET|socket hang up/);
    await proxy.removeFault(id);
    assert.equal((await httpCall(proxy.port)).status, 200);
  });

  it('holds traffic during a blackhole partition and lets it through after', async () => {
    const agent = keepAliveAgent();
    await httpCall(proxy.port, { agent });
    const { id } = proxy.addFault(spec({ type: 'partition' }), 10_000);
    const pending = httpCall(proxy.port, { agent });
    const raced = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('held'), 300))]);
    assert.equal(raced, 'held');
    await proxy.removeFault(id);
    assert.equal((await pending).status, 200);
    agent.destroy();
  });

  it('resets existing connections with a reset partition', async () => {
    const socket = connect(proxy.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise<string>((resolve) => {
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      socket.once('close', () => resolve('closed'));
    });
    await new Promise((r) => setTimeout(r, 20));
    const { id } = proxy.addFault(spec({ type: 'partition', mode: 'reset' }), 10_000);
    assert.equal(await closed, 'ECONNRESET');
    await proxy.removeFault(id);
  });

  it('limits bandwidth', async () => {
    const { id } = proxy.addFault(spec({ type: 'bandwidth', bytesPerSecond: 400_000 }), 10_000);
    const reply = await httpCall(proxy.port, { path: '/bytes/200000' });
    await proxy.removeFault(id);
    assert.equal(reply.body.length, 200000);
    // 200 kB at 400 kB/s, less the first burst of 20 kB: at least 450 ms.
    assert.ok(reply.elapsedMs >= 430, `elapsed ${reply.elapsedMs}`);
    assert.ok(reply.elapsedMs < 1500, `elapsed ${reply.elapsedMs}`);
  });

  it('drops a fault when its lease ends and renewal pushes the end', async () => {
    const { id } = proxy.addFault(spec({ type: 'abort' }), 1000);
    clock.advance(900);
    proxy.renewFault(id, 1000);
    clock.advance(900);
    assert.equal((await httpCall(proxy.port)).status, 503);
    clock.advance(100);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(proxy.faults(), []);
    assert.equal((await httpCall(proxy.port)).status, 200);
    assert.throws(() => proxy.renewFault(id, 1000), /no lease/);
  });

  it('refuses peers on a proxy partition', () => {
    assert.throws(() => proxy.addFault(spec({ type: 'partition', peers: ['10.0.0.1'] }), 1000), /fault\.peers/);
  });
});
