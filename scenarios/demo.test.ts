import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { cliToken } from '../platform/auth/tokens.ts';
import { configSchema } from '../platform/config/schema.ts';
import { silentLogger } from '../platform/logger.ts';
import { startDemo, type Demo } from './demo.ts';
import { commandLine, descendants } from './testing/proc.ts';

// The demo in this process with a two-service scenario (the shop takes
// longer to start than this test should).

const scenario = {
  apiVersion: 'faultline.dev/v1',
  kind: 'Scenario',
  metadata: { name: 'mini' },
  spec: {
    services: [
      { name: 'web', latencyMs: { p50: 1, p99: 3 }, calls: [{ service: 'api' }] },
      { name: 'api', instances: 2, latencyMs: { p50: 1, p99: 3 } },
    ],
    load: { service: 'web', rps: 10 },
    slos: [{ name: 'web-availability', service: 'web', objective: 99.5, sli: { kind: 'availability' } }],
    experiments: [{
      apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'api-latency' },
      spec: { targets: { service: 'api' }, fault: { type: 'latency', latencyMs: 100 }, duration: '30s' },
    }],
  },
};

describe('faultline demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-demo-'));
  let demo: Demo | undefined;
  let baseline: number[] = [];

  before(async () => {
    baseline = descendants(process.pid);
    writeFileSync(join(dir, 'mini.yaml'), stringify(scenario));
    const config = configSchema.parse({ apiPort: 0, otlpHttpPort: 0, otlpGrpcPort: 0, dataDir: join(dir, 'data'), logLevel: 'silent' });
    demo = await startDemo(config, silentLogger(), { scenario: join(dir, 'mini.yaml'), runner: { traceExportDelayMs: 200 } });
  });

  after(async () => {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the real addresses and the API paths the platform serves', () => {
    const { api, otlpHttp } = demo!.platform.context.addresses;
    assert.ok(demo!.summary.includes(`API           ${api}`));
    assert.ok(demo!.summary.includes(`${api}/api/v1/service-graph`));
    assert.ok(demo!.summary.includes(`OTLP          ${otlpHttp} (HTTP)`));
    assert.match(demo!.summary, /Chaos {9}api-latency \(2-59\/10 \* \* \* \*\)/);
  });

  it('registers the SLOs and schedules the experiments with the platform', async () => {
    const api = demo!.platform.context.addresses.api!;
    const token = cliToken(undefined, join(dir, 'data'));
    const slos = await (await fetch(`${api}/api/v1/slos`)).json() as { slos: Array<{ name: string }> };
    assert.deepEqual(slos.slos.map((s) => s.name), ['web-availability']);
    const experiments = await (await fetch(`${api}/api/v1/experiments`, { headers: { authorization: `Bearer ${token}` } })).json() as { scheduled: Array<{ name: string; cron: string }> };
    assert.deepEqual(experiments.scheduled.map((s) => [s.name, s.cron]), [['api-latency', '2-59/10 * * * *']]);
  });

  it('generates dashboards and a Prometheus config with the SLO rules that promtool accepts', () => {
    const out = join(dir, 'data', 'demo');
    assert.ok(readdirSync(join(out, 'dashboards')).length >= 3);
    assert.ok(existsSync(join(out, 'provisioning/datasources/faultline.yaml')));
    const check = spawnSync('promtool', ['check', 'config', join(out, 'prometheus/prometheus.yml')], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    assert.match(check.stdout, /web-availability\.rules\.yaml/);
  });

  it('the scenario sends the platform real spans', async () => {
    const api = demo!.platform.context.addresses.api!;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const graph = await (await fetch(`${api}/api/v1/service-graph`)).json() as { edges: Array<{ client: string; server: string; requests: number }> };
      if (graph.edges.some((e) => e.client === 'web' && e.server === 'api' && e.requests > 0)) break;
      assert.ok(Date.now() < deadline, 'the web -> api edge appeared within 20 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  it('stopping leaves no process behind', async () => {
    await demo!.stop();
    demo = undefined;
    const left = descendants(process.pid).filter((pid) => !baseline.includes(pid));
    assert.deepEqual(left.map((pid) => `${pid} ${commandLine(pid)}`), []);
  });
});
