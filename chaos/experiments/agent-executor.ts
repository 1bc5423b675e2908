import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import { listInstances, type InstanceRecord } from '../../scenarios/registry.ts';
import type { AgentAdvertisement } from '../agent/agent.ts';
import type { AgentClient } from '../agent/client.ts';
import { isProxyFaultSpec, type FaultSpec } from '../faults/specs.ts';
import type { TargetSelector } from '../faults/target.ts';
import type { FaultExecutor, TargetInstance } from './executor.ts';

/**
 * Reaches faults through `faultline agent`s. Instances come from the instance
 * registry (scenario runners publish theirs) and from the fault proxies live
 * agents advertise (`faultline agent --proxy [SERVICE/]NAME=...`: a user's
 * own service). The agent for a scenario instance is the one advertising its
 * fault proxy, or for process and host faults a live agent on its host.
 */
export class AgentFaultExecutor implements FaultExecutor {
  constructor(private readonly redis: Redis, private readonly client: AgentClient) {}

  async instances(service: string): Promise<TargetInstance[]> {
    const [records, unsorted] = await Promise.all([listInstances(this.redis), this.client.agents()]);
    // Sorted, so two agents advertising one proxy name resolve the same way everywhere.
    const agents = [...unsorted].sort((a, b) => a.name.localeCompare(b.name));
    const labelsOf = (agent: string) => agents.find((a) => a.name === agent)?.labels ?? {};
    const out: TargetInstance[] = [];
    for (const r of records.filter((x) => x.service === service)) {
      const agent = agentFor(r, agents);
      if (agent) out.push({ name: r.instance, service: r.service, agent, labels: { ...labelsOf(agent), scenario: r.scenario, host: r.host, ...(r.proxy ? { proxy: r.proxy } : {}) } });
    }
    // A scenario's proxies are its registered instances already; the others are instances of their own.
    const seen = new Set(records.map((r) => r.instance));
    for (const a of agents) {
      for (const p of a.targets.proxies) {
        if (seen.has(p.name) || serviceOfProxy(p) !== service) continue;
        seen.add(p.name);
        out.push({ name: p.name, service, agent: a.name, proxyOnly: true, labels: { ...(a.labels ?? {}), host: a.host, agent: a.name, proxy: p.name } });
      }
    }
    return out;
  }

  async apply(instance: TargetInstance, fault: FaultSpec, faultId: string, leaseMs: number): Promise<void> {
    await this.client.apply(instance.agent, fault, selectorFor(instance, fault), leaseMs, agentFaultId(faultId) as Parameters<AgentClient['apply']>[4]);
  }

  async renew(instance: TargetInstance, faultId: string, leaseMs: number): Promise<void> {
    await this.client.renew(instance.agent, agentFaultId(faultId), leaseMs);
  }

  async revert(instance: TargetInstance, faultId: string): Promise<void> {
    await this.client.revert(instance.agent, agentFaultId(faultId));
  }

  async revertEverything(): Promise<number> {
    const agents = await this.client.agents();
    const results = await Promise.allSettled(agents.map((a) => this.client.send(a.name, { op: 'revert-all' }, 4000)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${agents[i].name}: ${errorMessage(r.reason)}`] : []));
    if (failed.length > 0 && failed.length === agents.length) {
      throw new FaultlineError(ErrorCode.Unavailable, `no agent answered the halt (their leases will still revert every fault): ${failed.join('; ')}`);
    }
    return agents.length - failed.length;
  }
}

/**
 * The service of the instance behind an advertised proxy: as the agent was
 * told (`--proxy SERVICE/NAME=...`), or else the proxy name minus a trailing
 * `-N` index (myapi-1 -> myapi; myapi -> myapi).
 */
export function serviceOfProxy(proxy: { name: string; service?: string }): string {
  return proxy.service ?? proxy.name.replace(/-\d+$/, '');
}

function agentFor(r: InstanceRecord, agents: AgentAdvertisement[]): string | undefined {
  if (r.proxy) {
    const owner = agents.find((a) => a.targets.proxies.some((p) => p.name === r.proxy));
    if (owner) return owner.name;
  }
  return agents.find((a) => a.host === r.host && a.targets.kinds.includes('process'))?.name;
}

/** Proxy faults act on the instance's fault proxy; kill on its process; cpu and disk-fill on its host. */
function selectorFor(instance: TargetInstance, fault: FaultSpec): TargetSelector {
  if (isProxyFaultSpec(fault)) {
    const proxy = instance.labels.proxy;
    if (!proxy) throw new FaultlineError(ErrorCode.InvalidInput, `spec.fault: ${fault.type} needs a fault proxy in front of ${instance.name}, and it has none`);
    return { kind: 'proxy', name: proxy };
  }
  if (fault.type === 'kill') return { kind: 'process', instance: instance.name };
  return { kind: 'host' };
}

/** Agents accept [A-Za-z0-9_.-]{1,80}; keep it readable and unique. */
function agentFaultId(faultId: string): string {
  const readable = faultId.replace(/[^A-Za-z0-9_.-]/g, '.').slice(-60);
  return `${createHash('sha256').update(faultId).digest('hex').slice(0, 12)}.${readable}`.slice(0, 80);
}
