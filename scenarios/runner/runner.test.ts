import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { PartitionSpec } from '../../chaos/faults/specs.ts';
import { silentLogger } from '../../platform/logger.ts';
import { SpanKind, StatusCode } from '../../model/trace.ts';
import { listInstances } from '../registry.ts';
import { parseScenario } from '../spec/load.ts';
import { commandLine, descendants } from '../testing/proc.ts';
import { startTraceSink, type TraceSink } from '../testing/trace-sink.ts';
import { startScenario, type RunningScenario } from './runner.ts';

// The runner end to end with real processes: instances export with the
// OpenTelemetry SDK to an OTLP endpoint decoding with the collector's codec.

const scenario = parseScenario({
  apiVersion: 'faultline.dev/v1',
  kind: 'Scenario',
  metadata: { name: 'runner-test' },
  spec: {
    services: [
      {
        name: 'web', latencyMs: { p50: 1, p99: 3 },
        calls: [{ service: 'api', operation: '/items' }, { service: 'worker', operation: '/jobs', async: true, queue: 'jobs' }],
        resilience: { timeoutMs: 500 },
      },
      { name: 'api', instances: 2, latencyMs: { p50: 1, p99: 3 }, database: { system: 'postgresql', name: 'testdb', latencyMs: { p50: 1, p99: 2 } } },
      { name: 'worker', latencyMs: { p50: 1, p99: 2 } },
    ],
    load: { service: 'web', rps: 20 },
  },
}, 'runner-test');

const attr = (s: { attributes: Record<string, unknown> }, k: string) => s.attributes[k];

function portOpen(address: string): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect(Number(address.slice(colon + 1)), address.slice(0, colon));
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('scenario runner', () => {
  let sink: TraceSink;
  let run: RunningScenario | undefined;
  let redis: Redis | undefined;

  // Processes this test process had before (tsx's esbuild service): not ours to judge.
  let baseline: number[] = [];

  const agentDir = mkdtempSync(join(tmpdir(), 'faultline-agent-'));

  before(async () => {
    baseline = descendants(process.pid);
    sink = await startTraceSink();
    run = await startScenario(scenario, {
      collectorUrl: sink.url,
      traceExportDelayMs: 200,
      metricExportIntervalMs: 1000,
      restart: { initialBackoffMs: 200, maxBackoffMs: 1000, resetAfterMs: 60_000 },
      stateDir: agentDir,
    }, silentLogger());
    redis = new Redis(run.redisUrl);
  });

  after(async () => {
    redis?.disconnect();
    await run?.stop();
    await sink?.close();
    rmSync(agentDir, { recursive: true, force: true });
  });

  it('every instance exports real spans with its resource', async () => {
    await sink.waitFor('spans of every instance', () => {
      const instances = new Set(sink.spans.map((s) => s.instance));
      return ['web-1', 'api-1', 'api-2', 'worker-1'].every((i) => instances.has(i));
    }, 20_000);
    assert.ok(sink.spans.every((s) => s.namespace === 'runner-test'));
    const apiServer = sink.spans.find((s) => s.service === 'api' && s.kind === SpanKind.Server)!;
    assert.equal(apiServer.name, 'GET /items');
    assert.equal(attr(apiServer, 'http.route'), '/items');
    const webClient = sink.spans.find((s) => s.service === 'web' && s.kind === SpanKind.Client && s.traceId === apiServer.traceId);
    assert.ok(webClient, 'the caller\'s client span is in the same trace');
    assert.equal(apiServer.parentSpanId, webClient.spanId, 'the server span is the client span\'s child (W3C propagation over HTTP)');
    assert.equal(attr(webClient, 'peer.service'), 'api');
  });

  it('database and queue calls are client, producer and consumer spans with semantic-convention attributes', async () => {
    await sink.waitFor('database and messaging spans', () =>
      sink.spans.some((s) => s.kind === SpanKind.Consumer) && sink.spans.some((s) => attr(s, 'db.system.name') !== undefined), 10_000);
    const db = sink.spans.find((s) => attr(s, 'db.system.name') === 'postgresql')!;
    assert.equal(db.kind, SpanKind.Client);
    assert.equal(db.service, 'api');
    assert.equal(attr(db, 'db.system'), 'postgresql');
    assert.equal(attr(db, 'db.namespace'), 'testdb');
    assert.equal(attr(db, 'db.operation.name'), 'SELECT');
    assert.equal(attr(db, 'server.address'), 'postgresql.runner-test');

    const consumer = sink.spans.find((s) => s.kind === SpanKind.Consumer)!;
    assert.equal(consumer.service, 'worker');
    assert.equal(consumer.name, 'process jobs');
    assert.equal(attr(consumer, 'messaging.destination.name'), 'jobs');
    await sink.waitFor('the producer span of a consumed message', () => sink.spans.some((s) => s.spanId === consumer.parentSpanId), 5000);
    const producer = sink.spans.find((s) => s.spanId === consumer.parentSpanId)!;
    assert.equal(producer.kind, SpanKind.Producer);
    assert.equal(producer.service, 'web');
    assert.equal(producer.traceId, consumer.traceId);
    assert.equal(attr(producer, 'messaging.system'), 'redis');
    assert.equal(attr(producer, 'messaging.operation.type'), 'send');
  });

  it('exports runtime and host metrics', async () => {
    const names = ['nodejs.eventloop', 'process.cpu', 'system.memory', 'http.server.request.duration'];
    await sink.waitFor('runtime, host and HTTP metrics', () => {
      const text = Buffer.concat(sink.metricBodies).toString('latin1');
      return names.every((n) => text.includes(n));
    }, 10_000);
  });

  it('publishes every instance in the registry with its proxy', async () => {
    const records = await listInstances(redis!);
    const mine = records.filter((r) => r.scenario === 'runner-test');
    assert.deepEqual(mine.map((r) => r.instance), ['api-1', 'api-2', 'web-1', 'worker-1']);
    for (const r of mine) {
      assert.equal(r.proxy, r.instance);
      assert.equal(run!.proxies.get(r.instance)!.port, Number(r.address.split(':')[1]));
      assert.ok(r.pid > 1);
    }
  });

  it('the supervisor restarts an instance the agent SIGKILLed, and the registry follows', async () => {
    const before = run!.status().instances.find((i) => i.instance === 'api-1')!;
    // Through the runner's chaos agent, which finds the process in the registry.
    await run!.agent!.execute({
      op: 'apply', faultId: 'kill-api-1', fault: { type: 'kill' }, target: { kind: 'process', instance: 'api-1' },
      leaseMs: 10_000, sentAtMs: Date.now(),
    });
    await sink.waitFor('api-1 restarted', () => {
      const now = run!.status().instances.find((i) => i.instance === 'api-1')!;
      return now.restarts === 1 && now.state === 'running' && now.pid !== before.pid;
    }, 20_000);
    const after = run!.status().instances.find((i) => i.instance === 'api-1')!;
    assert.equal(after.lastExit?.signal, 'SIGKILL');
    assert.equal(run!.status().restarts, 1);
    const record = (await listInstances(redis!)).find((r) => r.instance === 'api-1')!;
    assert.equal(record.pid, after.pid);
    assert.equal(record.restarts, 1);
    const spansBefore = sink.spans.filter((s) => s.instance === 'api-1').length;
    await sink.waitFor('spans from the new api-1 process', () => sink.spans.filter((s) => s.instance === 'api-1').length > spansBefore, 10_000);
  });

  it('a partition on the api proxies fails the web -> api calls, and only those', async () => {
    // Connections to the proxies are reset: callers fail at once.
    const spec: PartitionSpec = { type: 'partition', share: 1, mode: 'reset', direction: 'both', peers: [] };
    for (const name of ['api-1', 'api-2']) {
      await run!.agent!.execute({ op: 'apply', faultId: `cut-${name}`, fault: spec, target: { kind: 'proxy', name }, leaseMs: 30_000, sentAtMs: Date.now() });
    }
    assert.equal(run!.proxies.get('api-1')!.faults().length, 1);
    const from = Date.now();
    try {
      await sink.waitFor('failed web -> api client spans', () =>
        sink.spans.filter((s) => s.service === 'web' && s.kind === SpanKind.Client && s.statusCode === StatusCode.Error && s.startTimeUnixMs > from).length >= 5, 10_000);
    } finally {
      for (const name of ['api-1', 'api-2']) await run!.agent!.execute({ op: 'revert', faultId: `cut-${name}` });
    }
    assert.deepEqual(run!.proxies.get('api-1')!.faults(), []);
    await sink.waitFor('web answering with errors', () =>
      sink.spans.some((s) => s.service === 'web' && s.kind === SpanKind.Server && s.statusCode === StatusCode.Error && s.startTimeUnixMs > from), 5000);
    const during = sink.spans.filter((s) => s.startTimeUnixMs > from);
    const failedClients = during.filter((s) => s.kind === SpanKind.Client && s.statusCode === StatusCode.Error);
    assert.ok(failedClients.every((s) => s.service === 'web' && s.name === 'GET'), 'only web -> api client spans fail');
    assert.ok(!during.some((s) => s.service === 'worker' && s.statusCode === StatusCode.Error), 'the queue edge is unaffected');
  });

  it('stopping leaves no process, proxy or queue behind', async () => {
    const proxyAddresses = [...run!.proxies.values()].map((p) => `${p.host}:${p.port}`);
    assert.ok(descendants(process.pid).length >= baseline.length + 5, 'instances and redis are running before the stop');
    const queueKeys = await redis!.keys('faultline:scenario:runner-test:*');
    redis!.disconnect();
    redis = undefined;
    await run!.stop();
    run = undefined;
    const left = descendants(process.pid).filter((pid) => !baseline.includes(pid));
    assert.deepEqual(left.map((pid) => `${pid} ${commandLine(pid)}`), []);
    for (const address of proxyAddresses) assert.equal(await portOpen(address), false, `proxy ${address} closed`);
    assert.ok(queueKeys.length <= 1);
  });
});
