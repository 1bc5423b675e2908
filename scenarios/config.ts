import { z } from 'zod';

// Settings of the scenario runner. This file is the only place their defaults live.
export const scenarioRunnerConfigSchema = z.object({
  /** OTLP/HTTP base URL the instances export to. Default http://127.0.0.1:4318. */
  collectorUrl: z.string().url().default('http://127.0.0.1:4318'),
  /** Address instances and proxies bind to. Default 127.0.0.1. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Redis for the queues and the instance registry; default: a private redis-server under stateDir. */
  redisUrl: z.string().min(1).optional(),
  /** Stop after this many milliseconds; default: run until stopped. */
  durationMs: z.number().int().positive().optional(),
  /**
   * Run a chaos agent in the runner, driving the instances' fault proxies and
   * processes, so experiments reach them through Redis. Default true.
   */
  agent: z.boolean().default(true),
  /** Agent name (its BullMQ queue is faultline-agent-<name>). Default "scenario-<scenario name>". */
  agentName: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/).optional(),
  /**
   * The runner's state: the agent's journal (<stateDir>/agent) and the
   * private Redis (<stateDir>/redis-<scenario>/redis), both cleaned up by the
   * next run after a crash. Default ./data/scenario.
   */
  stateDir: z.string().min(1).default('./data/scenario'),
  /** Whether to generate load (tests of the topology alone turn it off). Default true. */
  load: z.boolean().default(true),
  restart: z.object({
    /** First restart delay after a crash; doubles per consecutive crash. Default 1,000 ms (Kubernetes: 10 s). */
    initialBackoffMs: z.number().int().min(0).default(1000),
    /** Longest restart delay (CrashLoopBackOff cap). Default 30,000 ms (Kubernetes: 5 min). */
    maxBackoffMs: z.number().int().positive().default(30_000),
    /** An instance that ran this long resets its backoff. Default 60,000 ms (Kubernetes: 10 min). */
    resetAfterMs: z.number().int().positive().default(60_000),
  }).strict().default({ initialBackoffMs: 1000, maxBackoffMs: 30_000, resetAfterMs: 60_000 }),
  /** Time an instance gets after SIGTERM before its process group gets SIGKILL. Default 3,000 ms. */
  stopGraceMs: z.number().int().positive().default(3000),
  /** Time an instance gets to start listening. Default 30,000 ms. */
  readyTimeoutMs: z.number().int().positive().default(30_000),
  /** OpenTelemetry metric export interval in the instances. Default 5,000 ms. */
  metricExportIntervalMs: z.number().int().positive().default(5000),
  /** OpenTelemetry batch span processor delay in the instances. Default 1,000 ms. */
  traceExportDelayMs: z.number().int().positive().default(1000),
  /** Load requests in flight before new ones are dropped (and counted). Default 2,000. */
  maxInFlightRequests: z.number().int().positive().default(2000),
  /** Per-request timeout of the load generator. Default 10,000 ms. */
  loadTimeoutMs: z.number().int().positive().default(10_000),
  /** How often the progress is logged when stderr is not a terminal. Default 10,000 ms. */
  progressLogIntervalMs: z.number().int().positive().default(10_000),
}).strict();

export type ScenarioRunnerConfig = z.infer<typeof scenarioRunnerConfigSchema>;
export type ScenarioRunnerConfigInput = z.input<typeof scenarioRunnerConfigSchema>;
