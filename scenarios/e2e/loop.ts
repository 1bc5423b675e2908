import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { PartitionSpec } from '../../chaos/faults/specs.ts';
import { silentLogger } from '../../platform/logger.ts';
import { lookupInstance } from '../registry.ts';
import { startScenario, type RunningScenario } from '../runner/runner.ts';
import { parseScenario } from '../spec/load.ts';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { commandLine, descendants } from '../testing/proc.ts';

// The resilience loop on a real platform: `faultline up` as a child process,
// a shop-like scenario exporting to it, faults through the fault proxies, and
// what the platform's service graph says about them. Timeouts are generous
// so that only the injected faults fail requests, even on a busy machine.

const scenario = parseScenario({
  apiVersion: 'faultline.dev/v1',
  kind: 'Scenario',
  metadata: { name: 'loop-test' },
  spec: {
    services: [
      { name: 'frontend', latencyMs: { p50: 1, p99: 3 }, calls: [{ service: 'checkout', operation: '/checkout' }], resilience: { timeoutMs: 15_000 } },
      {
        name: 'checkout', latencyMs: { p50: 1, p99: 3 },
        calls: [
          { service: 'inventory', operation: '/reserve', critical: false },
          { service: 'payments', operation: '/charge' },
          { service: 'shipping', operation: '/ship', async: true, queue: 'orders' },
        ],
        resilience: { timeoutMs: 4000, retries: { max: 2, backoffMs: 20 } },
      },
      { name: 'payments', instances: 3, latencyMs: { p50: 2, p99: 5 } },
      { name: 'inventory', latencyMs: { p50: 1, p99: 3 }, database: { system: 'postgresql', name: 'shop', latencyMs: { p50: 1, p99: 3 } } },
      { name: 'shipping', latencyMs: { p50: 1, p99: 3 } },
    ],
    load: { service: 'frontend', rps: 20 },
  },
}, 'loop-test');

interface Edge { client: string; server: string; requests: number; errors: number }
interface Graph { nodes: Array<{ name: string; kind: string; red: unknown }>; edges: Edge[] }

/** client->server -> [requests, errors], summed over connection types. */
function edgeTotals(graph: Graph): Map<string, { requests: number; errors: number }> {
  const out = new Map<string, { requests: number; errors: number }>();
  for (const e of graph.edges) {
    const key = `${e.client}->${e.server}`;
    const t = out.get(key) ?? { requests: 0, errors: 0 };
    t.requests += e.requests;
    t.errors += e.errors;
    out.set(key, t);
  }
  return out;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Half edges wait this long for their other half (set below); then a failed
// call without a server span is counted on its client's edge.
const STORE_TTL_MS = 2000;
const SETTLE_MS = STORE_TTL_MS + 2500;

describe('the resilience loop on a running platform', () => {
  let faultline: FaultlineProcess | undefined;
  let run: RunningScenario | undefined;
  let redis: Redis | undefined;
  let baseline: number[] = [];
  const graph = async (): Promise<Graph> => (await fetch(`${faultline!.addresses.api}/api/v1/service-graph`)).json() as Promise<Graph>;

  before(async () => {
    baseline = descendants(process.pid);
    faultline = await startFaultline({ config: { analysis: { serviceGraph: { storeTtlMs: STORE_TTL_MS } } } });
    run = await startScenario(scenario, {
      collectorUrl: faultline.addresses.otlpHttp!,
      redisUrl: faultline.addresses.redis!,
      traceExportDelayMs: 200,
      metricExportIntervalMs: 2000,
      restart: { initialBackoffMs: 200, maxBackoffMs: 2000, resetAfterMs: 60_000 },
      stateDir: join(faultline.dataDir, 'agent'),
    }, silentLogger());
    redis = new Redis(faultline.addresses.redis!);
  });

  after(async () => {
    redis?.disconnect();
    await run?.stop();
    await faultline?.stop();
  });

  it('spans of every service reach the platform and form the service graph', async () => {
    const expected = ['user->frontend', 'frontend->checkout', 'checkout->payments', 'checkout->inventory', 'checkout->shipping', 'inventory->shop'];
    let seen: string[] = [];
    await waitFor('every edge of the topology', async () => {
      const totals = edgeTotals(await graph());
      seen = [...totals.keys()];
      return expected.every((k) => (totals.get(k)?.requests ?? 0) > 0) ? true : undefined;
    }, 40_000).catch((err: Error) => { throw new Error(`${err.message}; edges seen: ${seen.join(', ')}; load: ${JSON.stringify(run!.status().load)}`); });
    const g = await graph();
    for (const name of ['frontend', 'checkout', 'payments', 'inventory', 'shipping']) {
      const node = g.nodes.find((n) => n.name === name);
      assert.equal(node?.kind, 'service', `${name} is a service node`);
      assert.ok(node?.red, `${name} has RED signals`);
    }
    assert.equal(g.nodes.find((n) => n.name === 'shop')?.kind, 'database');
  });

  it('a partition of checkout from inventory fails that edge and no other', async () => {
    await sleep(SETTLE_MS);
    const before = edgeTotals(await graph());
    // Connections to the proxy are reset: callers fail at once.
    const spec: PartitionSpec = { type: 'partition', share: 1, mode: 'reset', direction: 'both', peers: [] };
    const proxy = run!.proxies.get('inventory-1')!;
    const { id } = proxy.addFault(spec, 30_000, 'loop-test');
    try {
      await waitFor('failed requests on checkout->inventory', async () => {
        const e = edgeTotals(await graph()).get('checkout->inventory');
        return e && e.errors - before.get('checkout->inventory')!.errors >= 5 ? true : undefined;
      }, 20_000);
    } finally {
      await proxy.removeFault(id);
    }
    assert.deepEqual(proxy.faults(), [], 'no fault remains');
    await sleep(SETTLE_MS);
    const after = edgeTotals(await graph());
    for (const [key, b] of before) {
      const a = after.get(key)!;
      assert.ok(a.requests > b.requests, `${key} kept serving`);
      if (key !== 'checkout->inventory') assert.equal(a.errors, b.errors, `no failed requests on ${key}`);
    }
  });

  it('killing one of three payments instances: restarted, errors inside a 99.5% objective, graph unchanged', async () => {
    const before = edgeTotals(await graph());
    const victim = run!.status().instances.find((i) => i.instance === 'payments-2')!;
    process.kill(victim.pid, 'SIGKILL');
    await waitFor('payments-2 restarted', async () => {
      const now = run!.status().instances.find((i) => i.instance === 'payments-2')!;
      return now.state === 'running' && now.restarts === 1 && now.pid !== victim.pid ? true : undefined;
    }, 20_000);
    const restarted = run!.status().instances.find((i) => i.instance === 'payments-2')!;
    const record = await waitFor('the registry to follow the restart', async () => {
      const r = await lookupInstance(redis!, 'payments-2');
      return r?.pid === restarted.pid ? r : undefined;
    }, 5000);
    assert.equal(record.restarts, 1);
    await sleep(SETTLE_MS);
    const after = edgeTotals(await graph());
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'the service graph has the same edges');
    const b = before.get('user->frontend')!;
    const a = after.get('user->frontend')!;
    const errorRatio = (a.errors - b.errors) / (a.requests - b.requests);
    assert.ok(a.requests - b.requests > 50, 'traffic kept flowing');
    assert.ok(errorRatio <= 0.005, `user-facing error ratio ${errorRatio} is inside the 99.5% objective`);
  });

  it('stopping the scenario and the platform leaves no process behind', async () => {
    redis?.disconnect();
    redis = undefined;
    await run!.stop();
    run = undefined;
    await faultline!.stop();
    faultline = undefined;
    const left = descendants(process.pid).filter((pid) => !baseline.includes(pid));
    assert.deepEqual(left.map((pid) => `${pid} ${commandLine(pid)}`), []);
  });
});
