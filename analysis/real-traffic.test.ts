import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { scrape, sumSeries } from '../platform/testing/prom-text.ts';
import type { ServiceGraphSnapshot, ServiceSummary } from './engine.ts';

// Three real processes instrumented with the OpenTelemetry SDK call each
// other and export OTLP to `faultline up`; the service graph must be the
// true call graph and the RED counts what was sent.
//
//   test -> frontend -> cart -> pricing      (pricing fails every 4th request)
//                    \       \-> postgresql "carts"
//                     \-> pricing

const REQUESTS = 30;
const root = new URL('..', import.meta.url).pathname;

interface ServiceProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

function startService(name: string, otlpHttp: string, env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'analysis/testing/instrumented-service.ts'], {
    cwd: root, env: { ...process.env, SERVICE_NAME: name, OTLP_HTTP: otlpHttp, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}`, exited });
    });
    void exited.then(() => reject(new Error(`${name} exited before listening:\n${stderr}`)));
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, last: () => unknown): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last())}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('service graph and RED from real instrumented processes', () => {
  let fl: FaultlineProcess | undefined;
  const services: ServiceProcess[] = [];

  before(async () => {
    fl = await startFaultline();
    const otlp = fl.addresses.otlpHttp;
    const pricing = await startService('pricing', otlp, { FAIL_EVERY: '4' });
    services.push(pricing);
    const cart = await startService('cart', otlp, { CALLS: JSON.stringify([{ url: `${pricing.url}/price` }, { db: { system: 'postgresql', namespace: 'carts' } }]) });
    services.push(cart);
    const frontend = await startService('frontend', otlp, { CALLS: JSON.stringify([{ url: `${cart.url}/cart` }, { url: `${pricing.url}/price` }]) });
    services.push(frontend);
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(`${frontend.url}/`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    // SIGTERM makes each service flush its spans before it exits.
    for (const s of services) s.child.kill('SIGTERM');
    await Promise.all(services.map((s) => s.exited));
  });
  after(async () => {
    for (const s of services) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await fl?.stop();
  });

  it('/api/v1/service-graph is the true call graph with exact counts', async () => {
    const expected = [
      ['cart', 'carts', 'database', REQUESTS, 0],
      ['cart', 'pricing', '', REQUESTS, 0],
      ['frontend', 'cart', '', REQUESTS, 0],
      // pricing's 4th, 8th, ... requests fail; calls alternate cart, frontend, so all failures are frontend's.
      ['frontend', 'pricing', '', REQUESTS, REQUESTS / 2],
      ['user', 'frontend', 'virtual_node', REQUESTS, 0],
    ];
    let graph: ServiceGraphSnapshot | undefined;
    const rows = () => (graph?.edges ?? []).map((e) => [e.client, e.server, e.connectionType, e.requests, e.errors]).sort();
    await until('the service graph', 20_000, async () => {
      graph = (await (await fetch(`${fl!.addresses.api}/api/v1/service-graph`)).json()) as ServiceGraphSnapshot;
      return JSON.stringify(rows()) === JSON.stringify(expected) ? true : undefined;
    }, rows);
    assert.deepEqual(graph!.nodes.map((n) => [n.name, n.kind]), [
      ['cart', 'service'], ['carts', 'database'], ['frontend', 'service'], ['pricing', 'service'], ['user', 'user'],
    ]);
    assert.deepEqual(graph!.cycles, []);
    assert.deepEqual(graph!.mostDependedOn[0], { node: 'pricing', callers: 2 });
    assert.deepEqual(graph!.fanOut.slice(0, 2), [{ node: 'cart', callees: 2 }, { node: 'frontend', callees: 2 }]);
  });

  it('RED per service and the span metrics count what was sent', async () => {
    const body = (await (await fetch(`${fl!.addresses.api}/api/v1/services`)).json()) as { services: ServiceSummary[] };
    assert.deepEqual(body.services.map((s) => [s.name, s.requests, s.errors, s.instances]), [
      ['cart', REQUESTS, 0, 1], ['frontend', REQUESTS, 0, 1], ['pricing', 2 * REQUESTS, REQUESTS / 2, 1],
    ]);
    const detail = (await (await fetch(`${fl!.addresses.api}/api/v1/services/pricing`)).json()) as { operations: Array<{ name: string; requests: number; errors: number }>; instances: Array<{ id: string }> };
    assert.deepEqual(detail.operations.map((o) => [o.name, o.requests, o.errors]), [['GET /price', 2 * REQUESTS, REQUESTS / 2]]);
    assert.deepEqual(detail.instances.map((i) => i.id), ['pricing-1']);
    const samples = await scrape(fl!.addresses.api);
    const calls = (labels: Record<string, string>) => sumSeries(samples, 'traces_span_metrics_calls_total', labels);
    assert.equal(calls({ service_name: 'pricing', span_kind: 'SPAN_KIND_SERVER' }), 2 * REQUESTS);
    assert.equal(calls({ service_name: 'pricing', span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_ERROR' }), REQUESTS / 2);
    assert.equal(calls({ service_name: 'frontend', span_kind: 'SPAN_KIND_CLIENT' }), 2 * REQUESTS);
    assert.equal(sumSeries(samples, 'traces_service_graph_request_failed_total', { client: 'frontend', server: 'pricing' }), REQUESTS / 2);
    assert.equal(sumSeries(samples, 'traces_span_metrics_duration_seconds_count', { service_name: 'cart', span_kind: 'SPAN_KIND_SERVER' }), REQUESTS);
  });
});
