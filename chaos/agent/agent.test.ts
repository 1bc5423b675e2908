import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { publishInstance } from '../../scenarios/registry.ts';
import { silentLogger } from '../../platform/logger.ts';
import { parseFaultSpec, type ProxyFaultSpec } from '../faults/specs.ts';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.ts';
import { httpCall, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { startTestRedis } from '../../platform/testing/redis.ts';
import { createAgent, type Agent } from './agent.ts';
import { AgentClient } from './client.ts';

describe('agent (real redis-server, BullMQ)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'fl-agent-'));
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let upstream: Upstream;
  let proxy: FaultProxy;
  let agent: Agent;
  let client: AgentClient;
  const name = 'agent-test-1';

  before(async () => {
    redis = await startTestRedis();
    upstream = await startUpstream();
    proxy = await startFaultProxy({ name: 'svc-1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: upstream.port });
    // A fault this agent "left behind" in a previous life: start-up removes it.
    proxy.addFault(parseFaultSpec({ type: 'abort' }) as ProxyFaultSpec, 60_000, name);
    agent = await createAgent({ name, redisUrl: redis.url, proxies: [proxy], logger: silentLogger(), config: { stateDir, heartbeatIntervalMs: 200 } });
    client = new AgentClient(redis.url);
  });
  after(async () => {
    await client?.close();
    await agent?.stop();
    await proxy?.close();
    await upstream?.close();
    await redis?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('removed the faults it owned before taking commands', () => {
    assert.equal(agent.leftovers.proxyFaults, 1);
    assert.deepEqual(proxy.faults(), []);
  });

  it('advertises itself and its targets', async () => {
    const registry = new Redis(redis.url);
    await publishInstance(registry, {
      scenario: 't', service: 'svc', instance: 'svc-1', pid: process.pid, host: hostname(), listenHost: '127.0.0.1', port: 1,
      address: '127.0.0.1:1', restarts: 0, updatedAtMs: Date.now(),
    });
    registry.disconnect();
    await new Promise((r) => setTimeout(r, 400));
    const [ad] = await client.agents();
    assert.deepEqual(ad.targets.processes, [{ instance: 'svc-1', pid: process.pid }]);
    assert.equal(ad.name, name);
    assert.deepEqual(ad.targets.proxies, [{ name: 'svc-1', listen: `127.0.0.1:${proxy.port}`, upstream: `127.0.0.1:${upstream.port}` }]);
    assert.ok(ad.targets.kinds.includes('proxy'));
  });

  it('applies, lists, renews and reverts through its queue', async () => {
    const info = await client.apply(name, { type: 'abort', statusCode: 418 }, { kind: 'proxy', name: 'svc-1' }, 5000, 'f-queue');
    assert.equal(info.faultId, 'f-queue');
    assert.equal((await httpCall(proxy.port)).status, 418);
    const listed = await client.send(name, { op: 'list' });
    assert.deepEqual(listed.op === 'list' && listed.faults.map((f) => f.faultId), ['f-queue']);
    const renewedTo = await client.renew(name, 'f-queue', 20_000);
    assert.ok(renewedTo > info.expiresAtMs);
    assert.ok(proxy.faults()[0].expiresAt >= renewedTo - 100, 'the proxy lease moved too');
    assert.equal(await client.revert(name, 'f-queue'), true);
    assert.equal((await httpCall(proxy.port)).status, 200);
    assert.equal(await client.revert(name, 'f-queue'), false);
  });

  it('answers bad commands with errors naming the key', async () => {
    await assert.rejects(client.apply(name, { type: 'latency', latencyMs: 'slow' } as never, { kind: 'proxy', name: 'svc-1' }, 1000), /fault\.latencyMs: expected a number/);
    await assert.rejects(client.apply(name, { type: 'abort' }, { kind: 'proxy', name: 'nope' }, 1000), /target\.name: agent agent-test-1 has no proxy nope/);
    await assert.rejects(client.apply(name, { type: 'kill' }, { kind: 'proxy', name: 'svc-1' }, 1000), /target\.kind: a kill fault acts on process targets/);
    await assert.rejects(client.renew(name, 'never-applied', 1000), /no lease never-applied/);
  });

  it('refuses a command that is older than its lease', async () => {
    await assert.rejects(
      client.send(name, { op: 'apply', faultId: 'late', fault: { type: 'abort' }, target: { kind: 'proxy', name: 'svc-1' }, leaseMs: 1000, sentAtMs: Date.now() - 5000 }),
      /older than its lease; not applied/,
    );
    assert.deepEqual(proxy.faults(), []);
  });

  it('reverts everything on revert-all', async () => {
    await client.apply(name, { type: 'abort' }, { kind: 'proxy', name: 'svc-1' }, 5000, 'f-all-1');
    await client.apply(name, { type: 'latency', latencyMs: 5 }, { kind: 'proxy', name: 'svc-1' }, 5000, 'f-all-2');
    assert.equal(await client.revertAll(name), 2);
    assert.deepEqual(proxy.faults(), []);
  });

  it('reverts what it applied when Redis is gone for longer than the lease', async () => {
    await client.apply(name, { type: 'abort' }, { kind: 'proxy', name: 'svc-1' }, 1500, 'f-lost');
    assert.equal((await httpCall(proxy.port)).status, 503);
    await client.close();
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1800));
    assert.equal((await httpCall(proxy.port)).status, 200);
    assert.deepEqual(agent.executor.list(), []);
  });
});
