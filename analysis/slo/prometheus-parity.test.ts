import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import type { SloAlert } from './alert-tracker.ts';
import { otelTraffic } from './testing-otel.ts';
import { startPrometheus, type PrometheusServer } from '../../platform/testing/prometheus.ts';

// The same traffic judged twice: by the SLO engine inside `faultline up`, and
// by a real Prometheus evaluating the rules `faultline slo rules` generated
// over the span metrics it scrapes from that same process. Good traffic for
// a while, then 100% errors: both must page, within a minute of each other.

const root = new URL('../..', import.meta.url).pathname.replace(/analysis\/$/, '');
const dir = mkdtempSync(join(tmpdir(), 'faultline-slo-parity-'));
let fl: FaultlineProcess | undefined;
let prom: PrometheusServer | undefined;
after(async () => {
  await prom?.stop();
  await fl?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('SLO engine and Prometheus with the generated rules agree', () => {
  it('both page on 100% errors, within a minute of each other', async (t) => {
    const sloDir = join(dir, 'slos');
    const rulesDir = join(dir, 'rules');
    mkdirSync(sloDir);
    writeFileSync(join(sloDir, 'checkout.yaml'), stringify({ name: 'checkout-availability', service: 'checkout', objective: 99.9, sli: { kind: 'availability' } }));
    writeFileSync(join(dir, 'faultline.yaml'), stringify({ slo: { evaluationIntervalMs: 1000 } }));
    const gen = spawnSync(process.execPath, ['bin/faultline.mjs', 'slo', 'rules', '--slo-dir', sloDir, '--out', rulesDir], { cwd: root, encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    assert.deepEqual(readdirSync(rulesDir), ['checkout.rules.yaml']);

    fl = await startFaultline({ args: ['--slo-dir', sloDir, '--config', join(dir, 'faultline.yaml')] });
    const api = fl.addresses.api!;
    prom = await startPrometheus({ target: new URL(api).host, ruleFiles: [join(rulesDir, 'checkout.rules.yaml')] });
    const traffic = otelTraffic(fl.addresses.otlpHttp!, 'checkout');

    // 15 s of good traffic (50 requests a second), then only errors.
    let errors = false;
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        await traffic.send(50, errors ? 50 : 0);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    await new Promise((r) => setTimeout(r, 15_000));
    errors = true;
    const errorsFromMs = Date.now();

    let engineAtMs: number | undefined;
    let promAtMs: number | undefined;
    const deadline = errorsFromMs + 90_000;
    while ((engineAtMs === undefined || promAtMs === undefined) && Date.now() < deadline) {
      if (engineAtMs === undefined) {
        const { alerts } = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { alerts: SloAlert[] };
        const page = alerts.find((a) => a.severity === 'page' && a.state === 'firing');
        if (page) engineAtMs = page.startsAtMs;
      }
      if (promAtMs === undefined) {
        const page = (await prom.alerts()).find((a) => a.labels.sloth_severity === 'page' && a.state === 'firing');
        if (page) promAtMs = Date.parse(page.activeAt);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    stopped = true;
    await loop;
    await traffic.shutdown();
    assert.ok(engineAtMs !== undefined, 'the SLO engine did not page within 90 s');
    assert.ok(promAtMs !== undefined, 'Prometheus did not page within 90 s');
    assert.ok(engineAtMs - errorsFromMs < 60_000, `engine paged ${engineAtMs - errorsFromMs} ms after errors began`);
    assert.ok(Math.abs(engineAtMs - promAtMs) < 60_000, `engine at +${engineAtMs - errorsFromMs} ms, Prometheus at +${promAtMs - errorsFromMs} ms`);
    t.diagnostic(`page after errors began: engine ${engineAtMs - errorsFromMs} ms, Prometheus ${promAtMs - errorsFromMs} ms`);
  });
});
