import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { scrape, sumSeries, type Sample } from '../platform/testing/prom-text.ts';
import type { ServiceGraphSnapshot } from './engine.ts';

// The README's promise: point an SDK at Faultline with the standard
// OTEL_EXPORTER_OTLP_* variables and nothing else changes. Two processes per
// protocol run @opentelemetry/sdk-node configured only by environment, with
// an ingest token in OTEL_EXPORTER_OTLP_HEADERS; every span, edge and metric
// point they send must arrive.

const CALLS = 10;
const TOKEN = 's3cret-env';
const root = new URL('..', import.meta.url).pathname;
const protocols = [
  { protocol: 'http/protobuf', suffix: 'proto' },
  { protocol: 'http/json', suffix: 'json' },
  { protocol: 'grpc', suffix: 'grpc' },
] as const;

function run(args: string[], env: Record<string, string>, onStdout?: (text: string) => void): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'analysis/testing/env-configured-service.ts', ...args], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); onStdout?.(stdout); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('OpenTelemetry sdk-node configured only by OTEL_* environment variables', () => {
  let fl: FaultlineProcess | undefined;
  const children: ChildProcess[] = [];
  let samples: Sample[] = [];

  before(async () => {
    fl = await startFaultline({ args: ['--ingest-token', TOKEN] });
    const { otlpHttp, otlpGrpc } = fl.addresses;
    await Promise.all(protocols.map(async ({ protocol, suffix }) => {
      const env = (service: string) => ({
        OTEL_SERVICE_NAME: service,
        OTEL_EXPORTER_OTLP_ENDPOINT: protocol === 'grpc' ? `http://${otlpGrpc}` : otlpHttp!,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${TOKEN}`,
        OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRIC_EXPORT_INTERVAL: '60000', OTEL_BSP_SCHEDULE_DELAY: '200',
      });
      let resolvePort!: (port: number) => void;
      const port = new Promise<number>((r) => { resolvePort = r; });
      const server = run(['server'], env(`env-server-${suffix}`), (out) => {
        const m = /\{"port":(\d+)\}/.exec(out);
        if (m) resolvePort(Number(m[1]));
      });
      children.push(server.child);
      const listening = await Promise.race([port, server.exited.then((code) => { throw new Error(`server (${protocol}) exited ${code}: ${server.stderr()}`); })]);
      const client = run(['client', `http://127.0.0.1:${listening}`, String(CALLS)], env(`env-client-${suffix}`));
      children.push(client.child);
      assert.equal(await client.exited, 0, client.stderr());
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.stderr());
    }));
    samples = await scrape(fl.addresses.api!);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fl?.stop();
  });

  for (const { protocol, suffix } of protocols) {
    it(`${protocol}: span metrics count every call and error`, () => {
      const server = { service_name: `env-server-${suffix}`, span_kind: 'SPAN_KIND_SERVER' };
      assert.equal(sumSeries(samples, 'traces_span_metrics_calls_total', server), CALLS);
      assert.equal(sumSeries(samples, 'traces_span_metrics_calls_total', { ...server, status_code: 'STATUS_CODE_ERROR' }), CALLS / 5);
      assert.equal(sumSeries(samples, 'traces_span_metrics_calls_total', { service_name: `env-client-${suffix}`, span_kind: 'SPAN_KIND_CLIENT' }), CALLS);
    });

    it(`${protocol}: the client -> server edge is paired with its failures`, () => {
      const edge = { client: `env-client-${suffix}`, server: `env-server-${suffix}`, connection_type: '' };
      assert.equal(sumSeries(samples, 'traces_service_graph_request_total', edge), CALLS);
      assert.equal(sumSeries(samples, 'traces_service_graph_request_failed_total', edge), CALLS / 5);
      assert.equal(sumSeries(samples, 'traces_service_graph_request_client_seconds_count', edge), CALLS);
      assert.equal(sumSeries(samples, 'traces_service_graph_request_server_seconds_count', edge), CALLS);
    });

    it(`${protocol}: the SDK's counter is re-exposed with job from service.name`, () => {
      assert.equal(sumSeries(samples, 'app_calls_total', { job: `env-client-${suffix}`, role: 'client' }), CALLS);
      assert.equal(sumSeries(samples, 'app_calls_total', { job: `env-server-${suffix}`, role: 'server' }), CALLS);
    });
  }

  it('/api/v1/service-graph has the three edges and nothing from a refused request', async () => {
    const graph = await (await fetch(`${fl!.addresses.api}/api/v1/service-graph`)).json() as ServiceGraphSnapshot;
    const edges = graph.edges.map((e) => `${e.client}->${e.server}:${e.requests}`).sort();
    assert.deepEqual(edges, protocols.map(({ suffix }) => `env-client-${suffix}->env-server-${suffix}:${CALLS}`).sort());
    assert.equal(sumSeries(samples, 'faultline_receiver_refused_requests_total', { reason: 'unauthorized' }), 0);
  });
});
