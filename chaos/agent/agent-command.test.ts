import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpCall, startUpstream, type Upstream } from '../testing/http-fixtures.ts';
import { startAgentProcess, type AgentProcess } from '../testing/agent-process.ts';
import { startTestRedis } from '../../platform/testing/redis.ts';
import { AgentClient } from './client.ts';

describe('faultline agent --proxy (a proxy inside the agent process)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'fl-agent-cmd-'));
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let upstream: Upstream;
  let client: AgentClient;
  let agent: AgentProcess;

  before(async () => {
    redis = await startTestRedis();
    upstream = await startUpstream();
    client = new AgentClient(redis.url);
    agent = await startAgentProcess(['--name', 'cmd-1', '--state-dir', stateDir, '--proxy', `pay-1=127.0.0.1:0=127.0.0.1:${upstream.port}`], redis.url);
  });
  after(async () => {
    await agent?.kill('SIGKILL');
    await client?.close();
    await upstream?.close();
    await redis?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('advertises its proxy, applies a fault on it, and reverts it on SIGTERM', async () => {
    const [ad] = await client.agents();
    assert.equal(ad.name, 'cmd-1');
    const proxy = ad.targets.proxies.find((p) => p.name === 'pay-1');
    assert.equal(proxy?.upstream, `127.0.0.1:${upstream.port}`);
    const port = Number(proxy!.listen!.split(':').pop());
    assert.equal((await httpCall(port)).status, 200);
    await client.apply('cmd-1', { type: 'abort', statusCode: 500 }, { kind: 'proxy', name: 'pay-1' }, 30_000, 'cmd-f1');
    assert.equal((await httpCall(port)).status, 500);
    await agent.kill('SIGTERM');
    assert.equal(agent.child.exitCode, 0, agent.output());
    assert.match(agent.output(), /"reverted":1[,}][^\n]*agent stopped/);
    assert.deepEqual(await client.agents(), [], 'the advertisement is withdrawn');
  });
});
