import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { publishInstance } from '../../scenarios/registry.ts';
import { silentLogger } from '../../platform/logger.ts';
import { parseFaultSpec, type ProxyFaultSpec } from '../faults/specs.ts';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.ts';
import { RemoteProxy } from '../proxy/remote-proxy.ts';
import { httpCall, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { startTestRedis } from '../../platform/testing/redis.ts';
import { createAgent, type Agent } from './agent.ts';
import { AgentClient } from './client.ts';
import { agentKeys } from './keys.ts';

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

  it('fails a renewal the proxy did not take', async () => {
    await client.apply(name, { type: 'abort' }, { kind: 'proxy', name: 'svc-1' }, 10_000, 'f-dropped');
    // The proxy lost the fault (it restarted, say): the renewal cannot reach it.
    await proxy.removeFault(proxy.faults()[0].id);
    await assert.rejects(client.renew(name, 'f-dropped', 10_000), /fault f-dropped: not renewed: proxy svc-1 did not renew the fault: no lease/);
    assert.equal(await client.revert(name, 'f-dropped'), true);
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

  it('refuses a second agent of the same name, naming the one running, and leaves its faults alone', async () => {
    await client.apply(name, { type: 'abort', statusCode: 418 }, { kind: 'proxy', name: 'svc-1' }, 10_000, 'f-claim');
    await assert.rejects(
      createAgent({ name, redisUrl: redis.url, proxies: [proxy], logger: silentLogger(), config: { stateDir } }),
      new RegExp(`^FaultlineError: agent name ${name} is taken: an agent of that name runs on ${hostname()} \\(pid ${process.pid}, started `),
    );
    assert.equal((await httpCall(proxy.port)).status, 418, 'the second agent did not clean up the first one\'s fault');
    assert.equal(await client.revert(name, 'f-claim'), true);
  });

  it('takes the name of an agent of this host whose process is gone, and not of one elsewhere', async () => {
    const dead = spawnSync('true').pid!;
    const registry = new Redis(redis.url);
    const claimOf = (host: string) => JSON.stringify({ token: 'old', host, pid: dead, startedAtMs: Date.now() - 1000 });
    await registry.set(agentKeys.claim('agent-test-dead'), claimOf(hostname()), 'PX', 60_000);
    await registry.set(agentKeys.claim('agent-test-far'), claimOf('elsewhere'), 'PX', 60_000);
    const successor = await createAgent({ name: 'agent-test-dead', redisUrl: redis.url, logger: silentLogger(), config: { stateDir } });
    assert.equal(JSON.parse((await registry.get(agentKeys.claim('agent-test-dead')))!).pid, process.pid);
    await successor.stop();
    assert.equal(await registry.get(agentKeys.claim('agent-test-dead')), null, 'a stop gives the name back');
    await assert.rejects(
      createAgent({ name: 'agent-test-far', redisUrl: redis.url, logger: silentLogger(), config: { stateDir } }),
      /agent name agent-test-far is taken: an agent of that name runs on elsewhere \(pid \d+, started .*\); stop it or choose another --name/,
    );
    registry.disconnect();
  });

  it('steps aside when another agent took its name over: no more commands, faults reverted', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const ousted = await createAgent({ name: 'agent-test-ousted', redisUrl: redis.url, proxies: [proxy], logger, config: { stateDir, heartbeatIntervalMs: 100 } });
    await ousted.execute({ op: 'apply', faultId: 'f-ousted', fault: { type: 'abort', statusCode: 418 }, target: { kind: 'proxy', name: 'svc-1' }, leaseMs: 10_000, sentAtMs: Date.now() });
    assert.equal((await httpCall(proxy.port)).status, 418);
    const registry = new Redis(redis.url);
    // What a second agent does once this one's claim lapsed (Redis away longer than the TTL).
    await registry.set(agentKeys.claim('agent-test-ousted'), JSON.stringify({ token: 'usurper', host: 'elsewhere', pid: 42, startedAtMs: Date.now() }), 'PX', 60_000);
    const deadline = Date.now() + 3000;
    while (ousted.executor.list().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ousted.executor.list(), []);
    assert.equal((await httpCall(proxy.port)).status, 200);
    assert.match(lines.join(''), /another agent of this name took over the name/);
    await ousted.stop();
    assert.notEqual(await registry.get(agentKeys.claim('agent-test-ousted')), null, 'its stop leaves the other agent\'s claim alone');
    registry.disconnect();
  });

  it('starts when a remote proxy cannot be reached for the start-up clean-up, and says so', async () => {
    const gone = new RemoteProxy('gone-1', 'http://127.0.0.1:1');
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const other = await createAgent({ name: 'agent-test-gone', redisUrl: redis.url, proxies: [gone], logger, config: { stateDir } });
    assert.deepEqual(other.leftovers.unreachableProxies, ['gone-1']);
    assert.match(lines.join(''), /start-up clean-up: could not remove the faults an earlier run of this agent left on this proxy/);
    await other.stop();
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
