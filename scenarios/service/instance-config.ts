import type { ServiceSpec } from '../spec/schema.ts';

/** What the runner tells one instance process (JSON in FAULTLINE_INSTANCE). */
export interface InstanceConfig {
  scenario: string;
  service: ServiceSpec;
  /** service.instance.id, e.g. "payments-1". */
  instanceId: string;
  host: string;
  port: number;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318. */
  collectorUrl: string;
  /** Redis holding the queues of async calls. */
  redisUrl: string;
  /** Addresses ("host:port") to call per downstream service; callers round-robin over them. */
  downstream: Record<string, string[]>;
  /** Queues this instance consumes (async calls to its service). */
  consumeQueues: string[];
  metricExportIntervalMs: number;
  traceExportDelayMs: number;
}

export const INSTANCE_ENV = 'FAULTLINE_INSTANCE';

/** Exit code of an instance whose port was taken: the runner picks another port. */
export const EXIT_ADDRESS_IN_USE = 3;

/** Messages an instance sends its supervisor over the IPC channel. */
export type InstanceMessage = { type: 'ready'; port: number };

export function queueKey(scenario: string, queue: string): string {
  return `faultline:scenario:${scenario}:queue:${queue}`;
}
