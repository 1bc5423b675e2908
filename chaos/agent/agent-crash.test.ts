import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listRules } from '../drivers/network/iptables.ts';
import { allFaultCases, type FaultCase, type FaultEnv, type Trial } from '../testing/fault-cases.ts';
import { startAgentProcess, type AgentProcess } from '../testing/agent-process.ts';
import { startTestRedis } from '../../platform/testing/redis.ts';
import { AgentClient } from './client.ts';

// The crash half of the shared fault suite: an agent (a real `faultline
// agent` process) applies every fault type, is killed with SIGKILL, and once
// the leases are over nothing it applied is left in effect. Its restart
// then removes what is still installed (iptables rules, tagged but inert).

// Long enough to apply and observe every fault before the kill, on a loaded machine.
const LEASE_MS = 8000;

describe('agent killed with SIGKILL mid-fault', () => {
  const name = `crash-${Math.random().toString(36).slice(2, 8)}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'fl-agent-crash-'));
  const cases: Array<{ fc: FaultCase; env: FaultEnv; trial?: Trial }> = [];
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let client: AgentClient;
  let agent: AgentProcess | undefined;

  before(async () => {
    redis = await startTestRedis();
    client = new AgentClient(redis.url);
    for (const fc of allFaultCases()) cases.push({ fc, env: await fc.setup() });
  });
  after(async () => {
    await agent?.kill('SIGKILL');
    await client?.close();
    for (const { env } of cases) await env.destroy();
    await redis?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  function agentArgs(): string[] {
    const args = ['--name', name, '--state-dir', stateDir, '--log-level', 'info'];
    for (const { env } of cases) {
      if (env.proxy && env.control) args.push('--remote-proxy', `${env.proxy.name}=http://127.0.0.1:${env.control.port}`);
    }
    return args;
  }

  it('leaves nothing in effect once the leases are over, and its restart removes what is still installed', async () => {
    agent = await startAgentProcess(agentArgs(), redis.url);
    let latestExpiry = 0;
    let earliestExpiry = Infinity;
    for (const c of cases) {
      c.trial = await c.fc.trial(c.env, name);
      assert.equal(await c.trial.present(), false, `${c.fc.name}: no effect before apply`);
    }
    const faultIds: string[] = [];
    for (const c of cases) faultIds.push((await client.apply(name, c.fc.fault, c.trial!.target, LEASE_MS)).faultId);
    // Starting burners and filling take a while on a loaded machine: renew
    // every lease (through the agent) so all are observed before they end.
    for (const faultId of faultIds) {
      const expiresAtMs = await client.renew(name, faultId, LEASE_MS);
      latestExpiry = Math.max(latestExpiry, expiresAtMs);
      earliestExpiry = Math.min(earliestExpiry, expiresAtMs);
    }
    for (const c of cases) {
      const present = await c.trial!.present();
      assert.equal(present, true, `${c.fc.name}: effect after apply (${earliestExpiry - Date.now()} ms of lease left)`);
    }
    assert.ok(Date.now() < earliestExpiry - 500, 'the agent dies while every lease still runs');
    await agent.kill('SIGKILL');
    // iptables' time match works in whole seconds: allow one more.
    await new Promise((r) => setTimeout(r, Math.max(0, latestExpiry - Date.now()) + 1200));
    for (const c of cases) {
      if (c.fc.permanent) continue;
      assert.equal(await c.trial!.present(), false, `${c.fc.name}: effect gone after the lease, with the agent dead`);
    }
    const network = cases.find((c) => c.env.netns)!;
    const tagged = (await listRules(network.env.netns!.b)).filter((r) => r.tag.startsWith(`faultline:${name}/`));
    assert.ok(tagged.length > 0, 'the partition rules are still installed (inert) until the agent restarts');

    agent = await startAgentProcess(agentArgs(), redis.url);
    const leftovers = (await listRules(network.env.netns!.b)).filter((r) => r.tag.startsWith(`faultline:${name}/`));
    assert.deepEqual(leftovers, [], 'restart removed the leftover rules');
    assert.match(agent.output(), /removed leftovers of an earlier run of this agent/);
    for (const c of cases) {
      if (c.env.proxy) assert.deepEqual(c.env.proxy.faults(), [], `${c.fc.name}: proxy holds no fault`);
    }
    const ads = await client.agents();
    assert.deepEqual(ads.map((a) => a.name), [name]);
    await agent.kill('SIGTERM');
    assert.equal(agent.child.exitCode, 0, agent.output());
  });
});
