import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { silentLogger } from '../../platform/logger.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import { publishInstance } from '../../scenarios/registry.ts';
import { createAgent, type Agent } from '../agent/agent.ts';
import { AgentClient } from '../agent/client.ts';
import { startFaultProxy, type FaultProxy } from '../proxy/fault-proxy.ts';
import { httpCall, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { AgentFaultExecutor, serviceOfProxy } from './agent-executor.ts';
import { parseExperiment } from './spec.ts';
import { resolveTargets } from './targets.ts';

// Targets from what agents advertise (a user's own service behind an agent's
// proxy) and from the scenario registry, on a real Redis with real proxies.

describe('AgentFaultExecutor instances', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'fl-exec-'));
  let redis: TestRedis;
  let upstream: Upstream;
  let proxies: FaultProxy[];
  let agent: Agent;
  let client: AgentClient;
  let registry: Redis;
  let executor: AgentFaultExecutor;

  before(async () => {
    redis = await startTestRedis();
    upstream = await startUpstream();
    proxies = await Promise.all(['myapi-1', 'myapi-2', 'pay-a', 'shop-1'].map((name) => startFaultProxy({ name, listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: upstream.port })));
    agent = await createAgent({
      name: 'host-a', redisUrl: redis.url, proxies, logger: silentLogger(), config: { stateDir },
      services: { 'pay-a': 'payments' }, labels: { zone: 'east', host: 'not-the-host' },
    });
    registry = new Redis(redis.url);
    // shop-1 is a scenario instance whose proxy the same agent owns.
    await publishInstance(registry, {
      scenario: 'shop', service: 'shop', instance: 'shop-1', pid: process.pid, host: hostname(), listenHost: '127.0.0.1', port: 1,
      proxy: 'shop-1', address: '127.0.0.1:1', restarts: 0, updatedAtMs: Date.now(),
    });
    client = new AgentClient(redis.url);
    executor = new AgentFaultExecutor(registry, client);
  });
  after(async () => {
    await client?.close();
    await agent?.stop();
    for (const p of proxies ?? []) await p.close();
    await upstream?.close();
    registry?.disconnect();
    await redis?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a proxy\'s service is the one the agent was given, or its name minus a trailing -N', () => {
    assert.equal(serviceOfProxy({ name: 'myapi-1' }), 'myapi');
    assert.equal(serviceOfProxy({ name: 'myapi' }), 'myapi');
    assert.equal(serviceOfProxy({ name: 'api-v2-10' }), 'api-v2');
    assert.equal(serviceOfProxy({ name: 'pay-a', service: 'payments' }), 'payments');
  });

  it('lists the instances behind an agent\'s proxies with the agent\'s labels', async () => {
    const myapi = await executor.instances('myapi');
    assert.deepEqual(myapi.map((i) => [i.name, i.agent, i.proxyOnly]), [['myapi-1', 'host-a', true], ['myapi-2', 'host-a', true]]);
    assert.deepEqual(myapi[0].labels, { zone: 'east', host: hostname(), agent: 'host-a', proxy: 'myapi-1' });
    assert.deepEqual((await executor.instances('payments')).map((i) => i.name), ['pay-a']);
    assert.deepEqual(await executor.instances('pay'), [], 'an explicit service replaces the one the name suggests');
  });

  it('a scenario instance is listed once, from the registry, with its scenario label', async () => {
    const shop = await executor.instances('shop');
    assert.equal(shop.length, 1);
    assert.deepEqual([shop[0].name, shop[0].proxyOnly, shop[0].labels.scenario, shop[0].labels.zone], ['shop-1', undefined, 'shop', 'east']);
  });

  it('applies a fault to a user\'s instance through its proxy, and reverts it', async () => {
    const experiment = parseExperiment({
      apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'myapi-abort' },
      spec: { targets: { service: 'myapi', labels: { zone: 'east' }, selection: { mode: 'all' } }, fault: { type: 'abort', statusCode: 503 }, duration: '1m' },
    });
    const { ordered } = resolveTargets(experiment, await executor.instances('myapi'));
    assert.equal(ordered.length, 2);
    for (const i of ordered) await executor.apply(i, experiment.spec.fault, `t:${i.name}`, 10_000);
    assert.deepEqual(await Promise.all(proxies.slice(0, 2).map(async (p) => (await httpCall(p.port)).status)), [503, 503]);
    for (const i of ordered) await executor.revert(i, `t:${i.name}`);
    assert.deepEqual(await Promise.all(proxies.slice(0, 2).map(async (p) => (await httpCall(p.port)).status)), [200, 200]);
  });

  it('refuses kill on instances known only as proxies, naming them, before anything is applied', async () => {
    const experiment = parseExperiment({
      apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'myapi-kill' },
      spec: { targets: { service: 'myapi' }, fault: { type: 'kill' }, duration: '1m' },
    });
    assert.throws(() => resolveTargets(experiment, []), /no agent advertises an instance of myapi/);
    const instances = await executor.instances('myapi');
    assert.throws(() => resolveTargets(experiment, instances), /spec\.fault: kill needs the instances' processes, and myapi-1 \(agent host-a\), myapi-2 \(agent host-a\) are known only as fault proxies/);
  });
});
