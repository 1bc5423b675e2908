import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { listNetns } from '../drivers/network/iptables.ts';
import { isRunning } from '../drivers/process/resolve.ts';
import { listInstances } from '../../scenarios/registry.ts';
import type { FaultProxy } from '../proxy/fault-proxy.ts';
import type { RemoteProxy } from '../proxy/remote-proxy.ts';
import { parseAgentCommand, type AgentResult } from './commands.ts';
import { agentConfigSchema, type AgentConfigInput } from './config.ts';
import { FaultExecutor, type ApplyRequest } from './fault-executor.ts';
import { Journal } from './journal.ts';
import { agentKeys, assertAgentName } from './keys.ts';
import { removeLeftovers, type LeftoverReport } from './leftovers.ts';
import { claimName, describeHolder, newClaimRecord } from './name-claim.ts';
import { bullConnection } from '../../platform/redis/bull-connection.ts';

// The host agent: removes its own leftovers first, then takes commands from
// its BullMQ queue (faultline-agent-<name>) and advertises itself and its
// targets with a heartbeat. Faults live on leases held in this process, so
// if Redis goes away no renewal arrives and every fault ends with its lease.

const STOP_TIMEOUT_MS = 3000;
/** How long start-up waits for Redis to answer the name claim. */
const CLAIM_TIMEOUT_MS = 10_000;

const heartbeatScript = readFileSync(new URL('./heartbeat.lua', import.meta.url), 'utf8');
const withdrawScript = readFileSync(new URL('./withdraw.lua', import.meta.url), 'utf8');

export interface AgentOptions {
  name: string;
  redisUrl: string;
  /** Fault proxies this agent drives: in this process (e.g. the scenario runner's) or standalone ones over their control API. */
  proxies?: Array<FaultProxy | RemoteProxy>;
  logger: Logger;
  config?: AgentConfigInput;
  /** Service of the instance behind each proxy (proxy name -> service), advertised for experiment targets. */
  services?: Record<string, string>;
  /** Labels of this agent's host, advertised for experiment targets (`targets.labels`). */
  labels?: Record<string, string>;
}

export interface AgentAdvertisement {
  name: string;
  host: string;
  pid: number;
  startedAtMs: number;
  atMs: number;
  targets: {
    /** `service`: the service of the instance behind the proxy, when the agent was told (experiments default it from the name). */
    proxies: Array<{ name: string; listen?: string; upstream?: string; control?: string; service?: string }>;
    namespaces: string[];
    /** Scenario instances running on this host (kill targets by instance name). */
    processes: Array<{ instance: string; pid: number }>;
    /** Target kinds this agent can act on. */
    kinds: string[];
  };
  faults: number;
  /** Host labels given to the agent (`faultline agent --label k=v`). */
  labels?: Record<string, string>;
}

export interface Agent {
  name: string;
  executor: FaultExecutor;
  /** What the start-up clean-up removed. */
  leftovers: LeftoverReport;
  /** Runs one command as if it came from the queue (for embedding and tests). */
  execute(data: unknown): Promise<AgentResult>;
  /** Reverts everything, withdraws the advertisement, closes connections. */
  stop(): Promise<void>;
}

export async function createAgent(options: AgentOptions): Promise<Agent> {
  const name = assertAgentName(options.name);
  const config = agentConfigSchema.parse(options.config ?? {});
  const logger = options.logger.child({ agent: name });
  const proxies = new Map((options.proxies ?? []).map((p) => [p.name, p]));
  const journal = new Journal(join(config.stateDir, `${name}.journal.json`));
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'agent redis connection error'));
  // First the name, so no other live agent of this name loses its faults to
  // the clean-up below; then whatever an earlier run of this agent left.
  const claim = newClaimRecord();
  let leftovers: LeftoverReport;
  try {
    await withTimeout(claimName(redis, name, claim, config.heartbeatTtlMs), CLAIM_TIMEOUT_MS).catch((err: unknown) => {
      if (err instanceof FaultlineError) throw err;
      throw new FaultlineError(ErrorCode.Unavailable, `agent ${name}: Redis did not answer while claiming the agent name (${errorMessage(err)})`, { cause: err });
    });
    leftovers = await removeLeftovers(name, journal, proxies.values(), logger).catch((err: unknown) => {
      throw new FaultlineError(ErrorCode.Unavailable, `agent ${name}: start-up clean-up (removing what an earlier run of this agent left) failed: ${errorMessage(err)}`, { cause: err });
    });
  } catch (err) {
    await withTimeout(redis.eval(withdrawScript, 3, agentKeys.heartbeat(name), agentKeys.index(), agentKeys.claim(name), name, claim.token), STOP_TIMEOUT_MS).catch(() => undefined);
    redis.disconnect();
    throw err;
  }
  const executor = new FaultExecutor({ owner: name, proxies, journal, logger, redis, maxLeaseMs: config.maxLeaseMs });
  const startedAtMs = Date.now();

  const execute = async (data: unknown): Promise<AgentResult> => {
    const command = parseAgentCommand(data);
    switch (command.op) {
      case 'apply': {
        if (Date.now() > command.sentAtMs + command.leaseMs) {
          throw new FaultlineError(ErrorCode.Conflict, `fault ${command.faultId}: the command is older than its lease; not applied`);
        }
        const request: ApplyRequest = { faultId: command.faultId, fault: command.fault, target: command.target, leaseMs: command.leaseMs };
        return { op: 'apply', fault: await executor.apply(request) };
      }
      case 'renew':
        return { op: 'renew', faultId: command.faultId, ...(await executor.renew(command.faultId, command.leaseMs)) };
      case 'revert':
        return { op: 'revert', faultId: command.faultId, reverted: await executor.revert(command.faultId) };
      case 'revert-all':
        return { op: 'revert-all', reverted: await executor.revertAll() };
      case 'list':
        return { op: 'list', faults: executor.list() };
    }
  };

  const worker = new Worker(agentKeys.queue(name), async (job: Job) => execute(job.data), {
    connection: bullConnection(options.redisUrl),
    concurrency: config.concurrency,
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'agent worker error'));
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'agent command failed'));

  const advertise = async () => {
    const ad: AgentAdvertisement = {
      name, host: hostname(), pid: process.pid, startedAtMs, atMs: Date.now(),
      targets: {
        proxies: [...proxies.values()].map((p) => ({
          ...('controlUrl' in p
            ? { name: p.name, control: p.controlUrl }
            : { name: p.name, listen: `${p.host}:${p.port}`, upstream: `${p.upstream.host}:${p.upstream.port}` }),
          ...(options.services?.[p.name] ? { service: options.services[p.name] } : {}),
        })),
        namespaces: await listNetns(),
        processes: await localInstances(redis),
        kinds: ['process', 'network', 'host', ...(proxies.size > 0 ? ['proxy'] : [])],
      },
      faults: executor.list().length,
      ...(options.labels && Object.keys(options.labels).length > 0 ? { labels: options.labels } : {}),
    };
    const [ours, holder] = (await redis.eval(
      heartbeatScript, 3, agentKeys.heartbeat(name), agentKeys.index(), agentKeys.claim(name),
      name, JSON.stringify(ad), String(Date.now()), String(config.heartbeatTtlMs), claim.token, JSON.stringify(claim),
    )) as [number, number | string];
    if (ours !== 1) await claimLost(String(holder));
  };
  let lost = false;
  let timer: NodeJS.Timeout | undefined;
  // The claim lapsed (Redis was away longer than the heartbeat TTL) and
  // another agent of this name started meanwhile, cleaning up "our" faults:
  // this one steps aside, as if Redis were gone for good.
  const claimLost = async (holder: string) => {
    if (lost) return;
    lost = true;
    clearInterval(timer);
    logger.error({ holder: describeHolder(holder) }, 'another agent of this name took over the name: taking no more commands and reverting every fault; restart this agent under another --name');
    await worker.pause(true).catch(() => undefined);
    await executor.revertAll().catch((err: unknown) => logger.error({ err }, 'some faults failed to revert'));
  };
  const beat = () => advertise().catch((err: unknown) => logger.warn({ err }, 'heartbeat failed'));
  await beat();
  if (!lost) timer = setInterval(beat, config.heartbeatIntervalMs);
  logger.info({ queue: agentKeys.queue(name), proxies: [...proxies.keys()] }, 'agent ready');

  let stopping: Promise<void> | undefined;
  return {
    name,
    executor,
    leftovers,
    execute,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        // Faults first: whatever else fails below, nothing stays applied.
        const reverted = await executor.revertAll().catch((err: unknown) => {
          logger.error({ err }, 'some faults failed to revert on stop');
          return -1;
        });
        // With Redis gone, BullMQ would wait for it; a stop must not.
        const online = redis.status === 'ready';
        await withTimeout(worker.close(!online), STOP_TIMEOUT_MS).catch(() => undefined);
        if (online) {
          await withTimeout(redis.eval(withdrawScript, 3, agentKeys.heartbeat(name), agentKeys.index(), agentKeys.claim(name), name, claim.token), STOP_TIMEOUT_MS).catch(() => undefined);
          await withTimeout(redis.quit(), STOP_TIMEOUT_MS).catch(() => undefined);
        }
        redis.disconnect();
        await worker.disconnect().catch(() => undefined);
        logger.info({ reverted }, 'agent stopped');
      })();
      return stopping;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms); }),
  ]);
}

/** Instances the scenario runner registered on this host whose process is alive. */
async function localInstances(redis: Redis): Promise<Array<{ instance: string; pid: number }>> {
  const host = hostname();
  return (await listInstances(redis))
    .filter((r) => r.host === host && isRunning(r.pid))
    .map((r) => ({ instance: r.instance, pid: r.pid }));
}
