import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type Agent } from '../agent/agent.ts';
import { silentLogger } from '../../platform/logger.ts';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { startScenario, type RunningScenario } from '../../scenarios/runner/runner.ts';
import { parseScenario } from '../../scenarios/spec/load.ts';
import type { RunRecord } from './run-record.ts';

// The reference chaos cluster for the experiment tests: edge -> service-a x3
// (a database) and edge -> service-b x3 (a cache), with no retries at the
// edge so faults show in its SLO. Instances sit behind fault proxies owned by
// an embedded agent, as `faultline scenario run` arranges them.

export const TOKEN = 'operator-token-for-tests-0123456789';

export const referenceCluster = parseScenario({
  apiVersion: 'faultline.dev/v1',
  kind: 'Scenario',
  metadata: { name: 'reference' },
  spec: {
    services: [
      { name: 'edge', latencyMs: { p50: 1, p99: 3 }, calls: [{ service: 'service-a', operation: '/a' }, { service: 'service-b', operation: '/b' }], resilience: { timeoutMs: 2000 } },
      { name: 'service-a', instances: 3, latencyMs: { p50: 1, p99: 3 }, database: { system: 'postgresql', name: 'ref', latencyMs: { p50: 1, p99: 2 } } },
      { name: 'service-b', instances: 3, latencyMs: { p50: 1, p99: 3 }, database: { system: 'redis', latencyMs: { p50: 0.5, p99: 1 } } },
    ],
    load: { service: 'edge', rps: 20 },
  },
}, 'reference');

export const SLOS = `
- name: edge-availability
  service: edge
  objective: 99.5
  window: 1d
  sli: { kind: availability }
`;

export function sloDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-exp-slo-'));
  writeFileSync(join(dir, 'slos.yaml'), SLOS);
  return dir;
}

export async function startPlatform(redisUrl: string, dir: string): Promise<FaultlineProcess> {
  return startFaultline({ env: { REDIS_URL: redisUrl, FAULTLINE_OPERATOR_TOKEN: TOKEN }, args: ['--slo-dir', dir] });
}

export async function startCluster(collectorUrl: string, redisUrl: string): Promise<{ run: RunningScenario; agent: Agent }> {
  const run = await startScenario(referenceCluster, {
    collectorUrl, redisUrl, traceExportDelayMs: 200, metricExportIntervalMs: 2000,
    restart: { initialBackoffMs: 300, maxBackoffMs: 2000, resetAfterMs: 60_000 }, progressLogIntervalMs: 60_000,
  }, silentLogger());
  const agent = await createAgent({ name: 'reference', redisUrl, proxies: [...run.proxies.values()], logger: silentLogger() });
  return { run, agent };
}

export function experiment(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name }, spec: { checkInterval: '1s', leaseTtl: '3s', ...spec } });
}

export async function api<T>(base: string, method: string, path: string, body?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, { method, body, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as T };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function runUntilDone(base: string, body: string, timeoutMs = 60_000): Promise<RunRecord> {
  const started = await api<{ runId: string; error?: string }>(base, 'POST', '/api/v1/experiments?mode=run', body);
  if (started.status !== 202) throw new Error(`run refused: ${started.status} ${JSON.stringify(started.body)}`);
  return finished(base, started.body.runId, timeoutMs);
}

export async function finished(base: string, runId: string, timeoutMs = 60_000): Promise<RunRecord> {
  return waitFor(`run ${runId} to finish`, async () => {
    const r = await api<RunRecord>(base, 'GET', `/api/v1/experiments/${runId}`);
    return r.status === 200 && !['pending', 'running'].includes(r.body.status) ? r.body : undefined;
  }, timeoutMs, 250);
}

/** Faults applied right now, per proxy (the real applied state). */
export function appliedFaults(run: RunningScenario): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, proxy] of run.proxies) {
    const n = proxy.faults().length;
    if (n > 0) out.set(name, n);
  }
  return out;
}
