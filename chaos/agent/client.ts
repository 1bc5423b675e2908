import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { FaultSpecInput } from '../faults/specs.ts';
import type { TargetSelector } from '../faults/target.ts';
import type { AgentAdvertisement } from './agent.ts';
import type { AgentCommandInput, AgentResult, AppliedFaultInfo } from './commands.ts';
import { agentKeys } from './keys.ts';
import { bullConnection } from '../../platform/redis/bull-connection.ts';

// How the rest of Faultline (the experiment runner) talks to agents: a
// command is a BullMQ job on the agent's queue; the job's return value is
// the answer.

const DEFAULT_TIMEOUT_MS = 15_000;

export class AgentClient {
  private queues = new Map<string, { queue: Queue; events: QueueEvents }>();
  private readonly redis: Redis;

  constructor(private readonly redisUrl: string) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.redis.on('error', () => {});
  }

  async send(agent: string, command: AgentCommandInput, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<AgentResult> {
    const { queue, events } = await this.channel(agent);
    const job = await queue.add(command.op, command, {
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
      attempts: 1,
    });
    try {
      return (await job.waitUntilFinished(events, timeoutMs)) as AgentResult;
    } catch (err) {
      throw new FaultlineError(ErrorCode.Unavailable, `agent ${agent}: ${(err as Error).message}`, { cause: err });
    }
  }

  async apply(agent: string, fault: FaultSpecInput, target: TargetSelector, leaseMs: number, faultId: string = randomUUID()): Promise<AppliedFaultInfo> {
    const result = await this.send(agent, { op: 'apply', faultId, fault, target, leaseMs, sentAtMs: Date.now() });
    return (result as Extract<AgentResult, { op: 'apply' }>).fault;
  }

  async renew(agent: string, faultId: string, leaseMs: number): Promise<number> {
    return ((await this.send(agent, { op: 'renew', faultId, leaseMs })) as Extract<AgentResult, { op: 'renew' }>).expiresAtMs;
  }

  async revert(agent: string, faultId: string): Promise<boolean> {
    return ((await this.send(agent, { op: 'revert', faultId })) as Extract<AgentResult, { op: 'revert' }>).reverted;
  }

  /** Reverts everything the agent applied (a global halt sends this to every agent). */
  async revertAll(agent: string, timeoutMs?: number): Promise<number> {
    return ((await this.send(agent, { op: 'revert-all' }, timeoutMs)) as Extract<AgentResult, { op: 'revert-all' }>).reverted;
  }

  /** Live agents (heartbeat within its TTL) and what they advertise. */
  async agents(): Promise<AgentAdvertisement[]> {
    const names = await this.redis.zrange(agentKeys.index(), '0', '-1');
    if (names.length === 0) return [];
    const ads = await this.redis.mget(...names.map((n) => agentKeys.heartbeat(n)));
    return ads.flatMap((raw) => (raw ? [JSON.parse(raw) as AgentAdvertisement] : []));
  }

  async close(): Promise<void> {
    for (const { queue, events } of this.queues.values()) {
      await events.close();
      await queue.close();
    }
    this.queues.clear();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async channel(agent: string) {
    let channel = this.queues.get(agent);
    if (!channel) {
      const name = agentKeys.queue(agent);
      channel = {
        queue: new Queue(name, { connection: bullConnection(this.redisUrl) }),
        events: new QueueEvents(name, { connection: bullConnection(this.redisUrl) }),
      };
      this.queues.set(agent, channel);
      await channel.events.waitUntilReady();
    }
    return channel;
  }
}
