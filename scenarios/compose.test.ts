import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

// docker-compose.yml cannot run here (no container engine), so check what
// can be: the file is valid for docker-compose, the one-shot generate step
// really produces a config Prometheus accepts, and every flag given to the
// faultline CLI in it exists.

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/faultline.mjs');

interface Service { command?: string[]; entrypoint?: string[]; depends_on?: Record<string, { condition: string }>; ports?: Array<{ published: number; target: number }>; image?: string }

function composeConfig(): { services: Record<string, Service>; volumes: Record<string, unknown> } {
  const out = execFileSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), 'config'], { cwd: root, encoding: 'utf8' });
  return parse(out);
}

describe('docker-compose.yml', () => {
  const config = composeConfig();

  it('is valid for docker-compose and has every part', () => {
    assert.deepEqual(Object.keys(config.services).sort(), ['demo', 'faultline', 'generate', 'grafana', 'prometheus', 'redis']);
    assert.equal(config.services.faultline.depends_on?.redis.condition, 'service_healthy');
    assert.equal(config.services.faultline.depends_on?.generate.condition, 'service_completed_successfully');
    assert.equal(config.services.demo.depends_on?.faultline.condition, 'service_healthy');
    assert.deepEqual(config.services.faultline.ports?.map((p) => p.target), [4317, 4318, 7070]);
  });

  it('the generate step writes SLO rules, dashboards and a prometheus.yml that promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-compose-'));
    try {
      const script = config.services.generate.command![0].replaceAll('/generated', dir);
      const run = spawnSync('sh', ['-c', script], { cwd: root, encoding: 'utf8', env: { ...process.env, FAULTLINE_LOG_FORMAT: 'json' } });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(readdirSync(join(dir, 'prometheus/rules')).sort(), [
        'checkout-availability.rules.yaml', 'checkout-latency.rules.yaml', 'frontend-availability.rules.yaml',
      ]);
      assert.ok(readdirSync(join(dir, 'dashboards')).filter((f) => f.endsWith('.json')).length >= 3);
      assert.ok(readdirSync(join(dir, 'provisioning/datasources')).length > 0);
      const check = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus/prometheus.yml')], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
      assert.match(check.stdout, /SUCCESS: \d+ rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every flag given to faultline in it exists', () => {
    for (const name of ['faultline', 'demo']) {
      const args = config.services[name].command!;
      const sub = args.slice(0, args.findIndex((a) => a.startsWith('--')));
      const help = execFileSync(process.execPath, [bin, ...sub, '--help'], { encoding: 'utf8' });
      for (const flag of args.filter((a) => a.startsWith('--'))) assert.ok(help.includes(`${flag} `), `${name}: faultline ${sub.join(' ')} has ${flag}`);
    }
  });
});
