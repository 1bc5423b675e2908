import { hostname } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createAgent, type Agent } from '../../chaos/agent/agent.ts';
import { startFaultProxy, type FaultProxy } from '../../chaos/proxy/fault-proxy.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { formatHostPort, freePort } from '../../platform/net.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../platform/redis/embedded-redis.ts';
import { scenarioRunnerConfigSchema, type ScenarioRunnerConfig, type ScenarioRunnerConfigInput } from '../config.ts';
import { INSTANCE_REGISTRY_KEY, publishInstance, removeInstances, type InstanceRecord } from '../registry.ts';
import { queueKey, type InstanceConfig } from '../service/instance-config.ts';
import { describeIssues } from '../spec/load.ts';
import type { Scenario } from '../spec/schema.ts';
import { LoadGenerator, type LoadStats } from './load-generator.ts';
import { prepareServiceEntry } from './service-bundle.ts';
import { AddressInUseError, Supervisor, type InstanceStatus } from './supervisor.ts';

const START_ATTEMPTS = 5;

export interface ScenarioStatus {
  scenario: string;
  instances: InstanceStatus[];
  restarts: number;
  load?: LoadStats;
}

export interface RunningScenario {
  scenario: Scenario;
  config: ScenarioRunnerConfig;
  redisUrl: string;
  /** What the registry holds for each instance right now. */
  records(): InstanceRecord[];
  status(): ScenarioStatus;
  /** The fault proxy in front of each instance, by name (the instance name, e.g. "payments-1"). */
  proxies: Map<string, FaultProxy>;
  /** The chaos agent driving the proxies and processes (unless turned off). */
  agent?: Agent;
  /** Resolves when the scenario stopped (stop(), or the configured duration ended). */
  readonly done: Promise<void>;
  /** Stops load, instances (whole process groups), registry entries, queues and a private Redis. */
  stop(): Promise<void>;
}

interface Planned {
  config: InstanceConfig;
  /** Where callers reach the instance: its fault proxy. */
  proxyPort: number;
  address: string;
}

/**
 * Instance names, ports, downstream addresses and queues for every instance
 * of the scenario. `startProxy` starts the instance's proxy on a port of the
 * kernel's choice and returns it; callers are given those addresses.
 */
async function plan(
  scenario: Scenario, config: ScenarioRunnerConfig, redisUrl: string,
  startProxy: (instanceId: string, instancePort: number) => Promise<number>,
): Promise<Planned[]> {
  const ports = new Map<string, { port: number; proxyPort: number }>();
  const addresses: Record<string, string[]> = {};
  for (const service of scenario.spec.services) {
    addresses[service.name] = [];
    for (let i = 1; i <= service.instances; i++) {
      const port = await freePort(config.host);
      const proxyPort = await startProxy(`${service.name}-${i}`, port);
      ports.set(`${service.name}-${i}`, { port, proxyPort });
      addresses[service.name].push(formatHostPort(config.host, proxyPort));
    }
  }
  const queuesOf = new Map<string, Set<string>>();
  for (const service of scenario.spec.services) {
    for (const call of service.calls.filter((c) => c.async)) {
      const set = queuesOf.get(call.service) ?? new Set<string>();
      set.add(call.queue ?? call.service);
      queuesOf.set(call.service, set);
    }
  }
  const planned: Planned[] = [];
  for (const service of scenario.spec.services) {
    const downstream: Record<string, string[]> = {};
    for (const call of service.calls.filter((c) => !c.async)) downstream[call.service] = addresses[call.service];
    for (let i = 1; i <= service.instances; i++) {
      const instanceId = `${service.name}-${i}`;
      const { port, proxyPort } = ports.get(instanceId)!;
      planned.push({
        proxyPort,
        address: formatHostPort(config.host, proxyPort),
        config: {
          scenario: scenario.metadata.name, service, instanceId, host: config.host, port,
          collectorUrl: config.collectorUrl, redisUrl, downstream,
          consumeQueues: [...(queuesOf.get(service.name) ?? [])],
          metricExportIntervalMs: config.metricExportIntervalMs,
          traceExportDelayMs: config.traceExportDelayMs,
        },
      });
    }
  }
  return planned;
}

/**
 * Starts a scenario: a Redis for its queues (the given one or a private one),
 * a fault proxy in front of every instance (callers and the load generator
 * only ever use proxies, so every proxy fault acts on every edge), every
 * instance under the supervisor, the instance registry, then the load.
 */
export async function startScenario(scenario: Scenario, input: ScenarioRunnerConfigInput, logger: Logger): Promise<RunningScenario> {
  const parsed = scenarioRunnerConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new FaultlineError(ErrorCode.InvalidInput, `invalid scenario runner settings:\n${describeIssues(parsed.error).map((l) => `  ${l}`).join('\n')}`);
  }
  const config = parsed.data;
  let embedded: EmbeddedRedis | undefined;
  let redisUrl = config.redisUrl;
  if (!redisUrl) {
    // A fixed place per scenario: a runner killed with SIGKILL leaves its
    // redis-server behind, and the next run's start stops it (pid file).
    embedded = await startEmbeddedRedis(join(config.stateDir, `redis-${scenario.metadata.name}`), logger);
    redisUrl = embedded.url;
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'scenario redis connection error'));

  const proxies = new Map<string, FaultProxy>();
  const startProxy = async (instanceId: string, listenPort: number, upstreamPort: number) => {
    const proxy = await startFaultProxy({
      name: instanceId, listenHost: config.host, listenPort, upstreamHost: config.host, upstreamPort, logger,
    });
    proxies.set(instanceId, proxy);
    return proxy.port;
  };
  let planned: Planned[] = [];
  try {
    planned = await plan(scenario, config, redisUrl, (id, instancePort) => startProxy(id, 0, instancePort));
  } catch (err) {
    await Promise.allSettled([...proxies.values()].map((p) => p.close()));
    redis.disconnect();
    await embedded?.stop();
    throw err;
  }
  const records = new Map<string, InstanceRecord>();
  const byId = new Map(planned.map((p) => [p.config.instanceId, p]));
  const onStarted = (s: InstanceStatus) => {
    const p = byId.get(s.instance)!;
    const record: InstanceRecord = {
      scenario: scenario.metadata.name, service: s.service, instance: s.instance, pid: s.pid,
      host: hostname(), listenHost: config.host, port: s.port, proxy: s.instance, address: p.address, restarts: s.restarts, updatedAtMs: Date.now(),
    };
    records.set(s.instance, record);
    publishInstance(redis, record).catch((err: unknown) => logger.warn({ err, instance: s.instance }, 'cannot publish instance to the registry'));
  };
  const entry = await prepareServiceEntry(logger);
  const supervisor = new Supervisor(config, logger, { onStarted, entryArgs: entry.args });

  const cleanUp = async () => {
    // Closing a proxy reverts every fault it carries.
    await Promise.allSettled([...proxies.values()].map((p) => p.close()));
    await removeInstances(redis, planned.map((p) => p.config.instanceId)).catch(() => {});
    const queues = new Set(planned.flatMap((p) => p.config.consumeQueues));
    if (queues.size > 0) await redis.del(...[...queues].map((q) => queueKey(scenario.metadata.name, q))).catch(() => {});
    await redis.quit().catch(() => redis.disconnect());
    await embedded?.stop();
    entry.remove();
  };

  // A port chosen by freePort can be taken by another process before the
  // instance binds it (busy machines, parallel tests): then the instance gets
  // a new port and its proxy, at the same address, the new upstream.
  const startInstance = async (p: Planned) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await supervisor.add(p.config);
      } catch (err) {
        if (!(err instanceof AddressInUseError) || attempt >= START_ATTEMPTS) throw err;
        logger.warn({ instance: p.config.instanceId, port: p.config.port }, 'port taken before the instance could listen; trying another');
        p.config.port = await freePort(config.host);
        await proxies.get(p.config.instanceId)!.close();
        await startProxy(p.config.instanceId, p.proxyPort, p.config.port);
      }
    }
  };
  try {
    await Promise.all(planned.map(startInstance));
  } catch (err) {
    await supervisor.stop();
    await cleanUp();
    throw err;
  }
  let agent: Agent | undefined;
  if (config.agent) {
    try {
      agent = await createAgent({
        name: config.agentName ?? `scenario-${scenario.metadata.name}`,
        redisUrl, proxies: [...proxies.values()], logger, config: { stateDir: join(config.stateDir, 'agent') },
      });
    } catch (err) {
      await supervisor.stop();
      await cleanUp();
      throw err;
    }
  }
  logger.info({
    scenario: scenario.metadata.name,
    agent: agent?.name,
    instances: planned.length,
    collector: config.collectorUrl,
    registry: `${redisUrl} hash ${INSTANCE_REGISTRY_KEY}`,
  }, 'scenario started');

  let load: LoadGenerator | undefined;
  if (config.load) {
    const entryService = scenario.spec.load.service;
    load = new LoadGenerator({
      load: scenario.spec.load,
      targets: planned.filter((p) => p.config.service.name === entryService).map((p) => p.address),
      maxInFlight: config.maxInFlightRequests,
      timeoutMs: config.loadTimeoutMs,
    });
    load.start();
  }

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (durationTimer) clearTimeout(durationTimer);
      load?.stop();
      // The agent first: it reverts every fault it applied while its targets still exist.
      await agent?.stop().catch((err: unknown) => logger.error({ err }, 'agent failed to stop cleanly'));
      await supervisor.stop();
      await cleanUp();
      logger.info({ scenario: scenario.metadata.name, restarts: supervisor.totalRestarts() }, 'scenario stopped');
      resolveDone();
    })();
    return stopping;
  };
  const durationTimer = config.durationMs ? setTimeout(() => void stop(), config.durationMs) : undefined;

  return {
    scenario, config, redisUrl, done, stop, proxies, agent,
    records: () => [...records.values()],
    status: () => ({
      scenario: scenario.metadata.name,
      instances: supervisor.status(),
      restarts: supervisor.totalRestarts(),
      load: load?.stats(),
    }),
  };
}
