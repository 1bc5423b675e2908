import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { silentLogger } from '../platform/logger.ts';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { startPrometheus, type PrometheusServer } from '../platform/testing/prometheus.ts';
import { startScenario, type RunningScenario } from '../scenarios/runner/runner.ts';
import { parseScenario } from '../scenarios/spec/load.ts';
import { checkDashboards, type QueryCheck } from './check.ts';
import { UID } from './common.ts';
import { generateAll } from './generate.ts';
import { interpolate } from './panel-queries.ts';
import { buildDashboards } from './registry.ts';
import { nodeGraphFrames, panelFrames, rows, type Transformation } from './testing/grafana-frames.ts';

// Every panel query of every generated dashboard, executed against a real
// Prometheus that scrapes a running `faultline up` fed by real instrumented
// processes (a scenario's OpenTelemetry SDK services), using the generated
// prometheus.yml. None may fail; every panel that should show data must.

const scenario = parseScenario({
  apiVersion: 'faultline.dev/v1',
  kind: 'Scenario',
  metadata: { name: 'dash' },
  spec: {
    services: [
      { name: 'web', latencyMs: { p50: 1, p99: 3 }, errorRate: 0.05, calls: [{ service: 'api', operation: '/items' }] },
      { name: 'api', instances: 2, latencyMs: { p50: 2, p99: 6 }, database: { system: 'postgresql', name: 'items', latencyMs: { p50: 1, p99: 2 } } },
    ],
    load: { service: 'web', rps: 15 },
  },
}, 'dash');

const slo = `
- name: web-availability
  service: web
  objective: 99
  sli: { kind: availability }
- name: api-latency
  service: api
  objective: 99
  sli: { kind: latency, thresholdMs: 300 }
`;

// Panels with no data until a chaos experiment has run (they are checked for
// errors only: the chaos counters and the active gauge have no series before
// a first run); everything else must return series.
const DATA_ONLY_AFTER_CHAOS = new Set([
  'Runs by verdict (time range)',
  'Experiment timeline',
  'Faults applied / reverted',
  'Governor rejections',
  'annotation: Chaos experiments',
]);
const needsChaos = (r: QueryCheck) => DATA_ONLY_AFTER_CHAOS.has(r.panel);

/**
 * One more `api` instance, `unit-one`, whose SDK sends the utilisation gauges
 * with the semantic conventions' unit "1" and `cpu.mode` (as the Collector's
 * hostmetrics receiver and most SDKs do; the scenario's JavaScript
 * host-metrics sends them without a unit). Faultline exposes these as
 * `*_utilization_ratio`.
 */
function exportUnitOneGauges(collectorUrl: string): MeterProvider {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'api', 'service.namespace': 'dash', 'service.instance.id': 'unit-one' }),
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${collectorUrl}/v1/metrics` }), exportIntervalMillis: 1000 })],
  });
  const meter = provider.getMeter('live-check');
  meter.createObservableGauge('process.cpu.utilization', { unit: '1' }).addCallback((r) => {
    r.observe(0.15, { 'cpu.mode': 'user' });
    r.observe(0.1, { 'cpu.mode': 'system' });
  });
  meter.createObservableGauge('system.cpu.utilization', { unit: '1' }).addCallback((r) => {
    r.observe(0.6, { 'cpu.mode': 'idle', 'cpu.logical_number': 0 });
    r.observe(0.4, { 'cpu.mode': 'user', 'cpu.logical_number': 0 });
  });
  meter.createObservableGauge('system.memory.utilization', { unit: '1' }).addCallback((r) => {
    r.observe(0.5, { 'system.memory.state': 'used' });
    r.observe(0.5, { 'system.memory.state': 'free' });
  });
  return provider;
}

describe('generated dashboards against a real Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-dash-'));
  let faultline: FaultlineProcess | undefined;
  let run: RunningScenario | undefined;
  let unitOne: MeterProvider | undefined;
  let prometheus: PrometheusServer | undefined;
  let results: QueryCheck[] = [];

  before(async () => {
    writeFileSync(join(dir, 'slos.yaml'), slo);
    faultline = await startFaultline({ args: ['--slo-dir', dir] });
    const api = new URL(faultline.addresses.api);
    run = await startScenario(scenario, {
      collectorUrl: faultline.addresses.otlpHttp, metricExportIntervalMs: 1000, traceExportDelayMs: 200, progressLogIntervalMs: 60_000,
    }, silentLogger());
    unitOne = exportUnitOneGauges(faultline.addresses.otlpHttp);
    generateAll({
      outDir: join(dir, 'out'), prometheusUrl: 'http://prometheus:9090', faultlineApiUrl: 'http://faultline:7070',
      dashboardsPath: '/var/lib/grafana/dashboards/faultline', scrapeTarget: api.host, ruleFiles: [], sloDir: dir,
    });
    const config = join(dir, 'out', 'prometheus', 'prometheus.yml');
    // The generated config, scraping every second so the test is short.
    writeFileSync(config, readFileSync(config, 'utf8').replace(/scrape_interval: \S+/, 'scrape_interval: 1s'));
    prometheus = await startPrometheus({ configFile: config });
    // Wait until Prometheus holds a few minutes' worth of rate() input: span
    // metrics, the instances' own metrics and the SLO engine's gauges.
    const deadline = Date.now() + 90_000;
    for (;;) {
      results = await checkDashboards(prometheus.url, buildDashboards()).catch(() => []);
      const missing = results.filter((r) => !r.error && r.series === 0 && !needsChaos(r));
      if (results.length > 0 && missing.length === 0) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
  });

  after(async () => {
    await prometheus?.stop();
    await unitOne?.shutdown();
    await run?.stop();
    await faultline?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every query without an error', () => {
    assert.ok(results.length > 40, `${results.length} queries`);
    const failed = results.filter((r) => r.error).map((r) => `${r.dashboard} / ${r.panel} [${r.refId}]: ${r.error}`);
    assert.deepEqual(failed, []);
  });

  it('returns series for every panel that should show data', () => {
    // The exemptions name real panels, and leave most queries to be checked.
    for (const panel of DATA_ONLY_AFTER_CHAOS) assert.ok(results.some((r) => r.panel === panel), `exempt panel "${panel}" exists`);
    const required = results.filter((r) => !needsChaos(r));
    assert.ok(required.length >= 50, `${required.length} queries must return data`);
    assert.ok(required.some((r) => r.panel === 'variable: service') && required.some((r) => r.panel === 'variable: slo'), 'the variables are among them');
    const empty = required.filter((r) => !r.error && r.series === 0).map((r) => `${r.dashboard} / ${r.panel} [${r.refId}]`);
    assert.deepEqual(empty, []);
  });

  it('gives Prometheus the generated SLO rules, which it loads', async () => {
    const rules = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as { data: { groups: Array<{ name: string; rules: Array<{ health: string }> }> } };
    const all = rules.data.groups.flatMap((g) => g.rules);
    assert.ok(all.length > 10, `${all.length} rules loaded`);
    assert.ok(all.every((r) => r.health !== 'err'), 'no rule fails to evaluate');
  });

  it('shows utilisation of instances whose gauges come with unit "1" (_ratio) and without a unit', async () => {
    const service = buildDashboards().find((d) => d.dashboard.uid === UID.service)!.dashboard;
    const expected: Record<string, number> = { 'CPU utilisation (process)': 0.25, 'Host CPU utilisation': 0.4, 'Host memory utilisation': 0.5 };
    const panels = (service.panels as Array<{ title?: string; targets?: Array<{ expr: string }> }>).filter((p) => p.title! in expected);
    assert.equal(panels.length, 3);
    for (const panel of panels) {
      let byInstance = new Map<string, number>();
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
        const series = await prometheus!.query(interpolate(panel.targets![0].expr, { service: 'api' }));
        byInstance = new Map(series.map((s) => [s.metric.instance, Number(s.value[1])]));
        if (byInstance.has('unit-one') && byInstance.size >= 3) break;
      }
      assert.ok(Math.abs(byInstance.get('unit-one')! - expected[panel.title!]) < 1e-6, `${panel.title}: unit-one = ${byInstance.get('unit-one')}`);
      // The scenario's two api instances, from JavaScript host-metrics (no unit).
      assert.ok(byInstance.size >= 3, `${panel.title}: instances ${[...byInstance.keys()].join(', ')}`);
    }
    assert.ok((await prometheus!.query('process_cpu_utilization_ratio{instance="unit-one"}')).length > 0, 'unit "1" gauges are exposed with _ratio');
  });

  it('gives the node graph named nodes with stats and arcs, and edges between them', async () => {
    // The panel's instant queries, evaluated at one time as Grafana does, made
    // into frames and transformed as Grafana would (testing/grafana-frames.ts).
    const graph = buildDashboards().find((d) => d.dashboard.uid === UID.serviceGraph)!.dashboard;
    const panel = (graph.panels as Array<{ type?: string; targets?: Array<{ expr: string; refId: string }>; transformations?: Transformation[] }>).find((p) => p.type === 'nodeGraph')!;
    const atMs = Date.now();
    const instant = await Promise.all(panel.targets!.map(async (t) => ({ refId: t.refId, series: await prometheus!.query(interpolate(t.expr), atMs) })));
    const { nodes, edges } = nodeGraphFrames(panelFrames(panel, instant));
    assert.deepEqual(nodes?.fields.map((f) => f.name).sort(), ['arc__failed', 'arc__success', 'id', 'mainstat', 'secondarystat', 'title']);
    assert.deepEqual(edges?.fields.map((f) => f.name).sort(), ['id', 'mainstat', 'secondarystat', 'source', 'target']);
    const nodeRows = rows(nodes!);
    const byId = new Map(nodeRows.map((n) => [n.id as string, n]));
    assert.deepEqual([...byId.keys()].sort(), ['api', 'items', 'user', 'web'], 'the caller, both services and the database');
    for (const n of nodeRows) {
      assert.equal(n.title, n.id);
      assert.ok(Number.isFinite(n.mainstat), `${n.id}: mainstat ${n.mainstat}`);
      assert.ok(Math.abs((n.arc__success as number) + (n.arc__failed as number) - 1) < 1e-9, `${n.id}: arcs ${n.arc__success} + ${n.arc__failed}`);
    }
    for (const id of ['web', 'api', 'items']) {
      assert.ok((byId.get(id)!.mainstat as number) > 0, `${id} serves requests`);
      assert.ok((byId.get(id)!.secondarystat as number) > 0, `${id}: p95 latency`);
    }
    assert.ok((byId.get('web')!.arc__failed as number) > 0, 'web fails 5% of its requests');
    assert.equal(byId.get('api')!.arc__failed, 0);
    const edgeRows = rows(edges!);
    assert.deepEqual(edgeRows.map((e) => `${e.source}->${e.target}`).sort(), ['api->items', 'user->web', 'web->api']);
    for (const e of edgeRows) {
      // Grafana's node graph fails on an edge whose ends are not nodes.
      assert.ok(byId.has(e.source as string) && byId.has(e.target as string), `${e.id}: both ends are nodes`);
      assert.ok((e.mainstat as number) > 0 && (e.secondarystat as number) > 0, `${e.id}: rate ${e.mainstat}, p95 ${e.secondarystat}`);
    }
  });
});
