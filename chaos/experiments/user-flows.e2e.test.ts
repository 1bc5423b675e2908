import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Agent } from '../agent/agent.ts';
import { startFaultline, type FaultlineProcess } from '../../platform/testing/faultline-process.ts';
import { startTestRedis, type TestRedis } from '../../platform/testing/redis.ts';
import type { RunningScenario } from '../../scenarios/runner/runner.ts';
import { Redis } from 'ioredis';
import type { RunRecord } from './run-record.ts';
import { RunStore } from './run-store.ts';
import { TOKEN, api, appliedFaults, experiment, finished, runUntilDone, sloDir, startCluster, waitFor } from './testing.ts';

// What a user does with experiments, on one real platform and cluster:
// GitOps files, dry run then run, progressive widening against the governor,
// steady-state checks that really measure, the CLI as a child process, and
// the resilience score. The platform's governor allows 67% (2 of 3) here so
// widening has room before it is refused.

const root = new URL('../..', import.meta.url).pathname;
const VIEWER_TOKEN = 'viewer-token-for-tests-0123456789';

const scheduledFile = `
apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: dir-latency }
spec:
  targets: { service: service-a }
  fault: { type: latency, latencyMs: 1 }
  duration: 1s
  checkInterval: 1s
  leaseTtl: 3s
  schedule: { cron: "*/2 * * * * *", startingDeadlineSeconds: 5 }
`;
const unscheduledFile = scheduledFile.replace('dir-latency', 'dir-manual').replace(/ {2}schedule:.*\n/, '');

interface CliResult { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const clean = { ...process.env };
  for (const k of ['FAULTLINE_TOKEN', 'FAULTLINE_OPERATOR_TOKEN', 'FAULTLINE_VIEWER_TOKEN', 'FAULTLINE_API']) delete clean[k];
  const child = spawn(process.execPath, ['bin/faultline.mjs', ...args], { cwd: root, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); }));
}

describe('experiments as a user runs them', () => {
  let redis: TestRedis;
  let platform: FaultlineProcess;
  let cluster: { run: RunningScenario; agent: Agent };
  let base = '';
  const dir = mkdtempSync(join(tmpdir(), 'faultline-exp-flows-'));
  const slos = sloDir();
  const proxyUrl = (instance: string, path: string) => `http://127.0.0.1:${cluster.run.proxies.get(instance)!.port}${path}`;
  /** Most proxies of one service faulted at once while `during` runs (the real applied state). */
  async function maxFaulted(service: string, during: Promise<RunRecord>): Promise<{ run: RunRecord; max: number }> {
    let max = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        max = Math.max(max, [...appliedFaults(cluster.run).keys()].filter((n) => n.startsWith(`${service}-`)).length);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const run = await during.finally(() => { done = true; });
    await sampler;
    return { run, max };
  }

  before(async () => {
    mkdirSync(join(dir, 'exp'));
    writeFileSync(join(dir, 'exp', 'scheduled.yaml'), scheduledFile);
    writeFileSync(join(dir, 'exp', 'manual.yaml'), unscheduledFile);
    writeFileSync(join(dir, 'faultline.yaml'), `governor: { maxInstancePercent: 67 }\nexperiments: { dir: ${join(dir, 'exp')} }\n`);
    redis = await startTestRedis();
    platform = await startFaultline({
      env: { REDIS_URL: redis.url, FAULTLINE_OPERATOR_TOKEN: TOKEN, FAULTLINE_VIEWER_TOKEN: VIEWER_TOKEN },
      args: ['--slo-dir', slos, '--config', join(dir, 'faultline.yaml')],
    });
    base = platform.addresses.api;
    cluster = await startCluster(platform.addresses.otlpHttp, redis.url);
    await waitFor('edge traffic in the SLO engine', async () => {
      const r = await api<{ evaluation: { windows: Array<{ window: string; total: number }> } | null }>(base, 'GET', '/api/v1/slos/edge-availability');
      return (r.body.evaluation?.windows.find((w) => w.window === '5m')?.total ?? 0) > 50 ? true : undefined;
    }, 60_000, 500);
    // Signals are whole analysis steps (10 s): wait until the edge's first one closed.
    const probe = experiment('wait-for-signals', {
      hypothesis: [{ signal: { service: 'edge', signal: 'rate_rps', above: 1, window: '10s' } }],
      targets: { service: 'service-a' }, fault: { type: 'latency', latencyMs: 1 }, duration: '1s',
    });
    await waitFor('a closed step of edge rate_rps', async () => {
      const r = await api<RunRecord>(base, 'POST', '/api/v1/experiments?dryRun=true', probe);
      return r.body.status === 'passed' ? true : undefined;
    }, 60_000, 1000);
  });

  after(async () => {
    await cluster?.agent.stop();
    await cluster?.run.stop();
    await platform?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(slos, { recursive: true, force: true });
  });

  it('experiments.dir: every file with a schedule is scheduled at start-up and runs on its cron', async () => {
    const listed = await api<{ scheduled: Array<{ name: string; cron: string }> }>(base, 'GET', '/api/v1/experiments');
    assert.deepEqual(listed.body.scheduled.map((s) => [s.name, s.cron]), [['dir-latency', '*/2 * * * * *']]);
    const audit = await api<{ entries: Array<{ who: string; action: string; experiment?: string }> }>(base, 'GET', '/api/v1/audit?limit=100');
    assert.ok(audit.body.entries.some((e) => e.action === 'schedule' && e.experiment === 'dir-latency' && e.who === `file:${join(dir, 'exp', 'scheduled.yaml')}`));
    const run = await waitFor('a scheduled run of dir-latency that passed', async () => {
      const r = await api<{ runs: RunRecord[] }>(base, 'GET', '/api/v1/runs?experiment=dir-latency');
      return r.body.runs.find((x) => x.status === 'passed');
    }, 20_000, 250);
    assert.equal(run.who, 'scheduler');
    assert.ok(run.scheduledForMs! > 0);
    assert.equal((await api(base, 'DELETE', '/api/v1/experiments/dir-latency')).status, 200);
    await waitFor('no dir-latency run going on', async () => {
      const r = await api<{ runs: RunRecord[] }>(base, 'GET', '/api/v1/runs?experiment=dir-latency');
      return r.body.runs.every((x) => x.status !== 'running' && x.status !== 'pending') ? true : undefined;
    }, 10_000, 250);
  });

  it('--dry-run resolves targets and measures every check, applying nothing; the real run uses the same targets', async () => {
    const body = experiment('b-dry-then-run', {
      hypothesis: [
        { signal: { service: 'edge', signal: 'rate_rps', above: 1, window: '10s' } },
        { httpProbe: { url: proxyUrl('service-b-1', '/b'), expectStatus: 200, timeoutMs: 5000 } },
        // The burn depends on how the busy machine treats the cluster: measured, not judged.
        { sloBurnRate: { slo: 'edge-availability', maxBurnRate: 1000 } },
      ],
      targets: { service: 'service-b', selection: { mode: 'percent', value: 67 } },
      fault: { type: 'latency', latencyMs: 20 },
      duration: '2s',
    });
    let faultedDuringDryRun = 0;
    let dryDone = false;
    const sampler = (async () => {
      while (!dryDone) {
        faultedDuringDryRun = Math.max(faultedDuringDryRun, appliedFaults(cluster.run).size);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const dry = await api<RunRecord>(base, 'POST', '/api/v1/experiments?dryRun=true', body).finally(() => { dryDone = true; });
    await sampler;
    assert.equal(dry.status, 200);
    assert.equal(dry.body.dryRun, true);
    assert.equal(dry.body.status, 'passed', dry.body.reason ?? '');
    assert.equal(dry.body.targets.length, 2);
    assert.equal(faultedDuringDryRun, 0, 'a dry run applies nothing');
    assert.deepEqual(dry.body.governor, { admitted: true });
    const [rate, probe, burn] = dry.body.signals.before;
    assert.ok(rate.holds && rate.value !== null && rate.value > 1, JSON.stringify(rate));
    assert.deepEqual([probe.holds, probe.value], [true, 200]);
    assert.ok(burn.holds && burn.value !== null, JSON.stringify(burn));
    assert.equal((await api(base, 'GET', '/api/v1/experiments/b-dry-then-run')).status, 404, 'dry runs are not recorded as runs');

    const run = await runUntilDone(base, body);
    assert.equal(run.status, 'passed', run.reason ?? '');
    assert.deepEqual(run.targets, dry.body.targets);
    assert.ok(run.signals.during.length >= 1);
    for (const sample of [run.signals.before, ...run.signals.during, run.signals.after]) {
      assert.ok(sample[0].value! > 1 && sample[1].value === 200, JSON.stringify(sample));
    }
    const audit = await api<{ entries: Array<{ action: string; experiment?: string; targets?: string[] }> }>(base, 'GET', '/api/v1/audit?limit=50');
    const dryEntry = audit.body.entries.find((e) => e.action === 'dry-run' && e.experiment === 'b-dry-then-run');
    assert.deepEqual(dryEntry?.targets, dry.body.targets);
  });

  it('progressive steps widen while the hypothesis holds, and stop at the step the governor refuses', async () => {
    const { run, max } = await maxFaulted('service-a', runUntilDone(base, experiment('a-progressive', {
      hypothesis: [{ signal: { service: 'edge', signal: 'rate_rps', above: 1, window: '10s' } }],
      targets: { service: 'service-a', selection: { steps: [34, 67, 100] } },
      fault: { type: 'latency', latencyMs: 1 },
      duration: '3s',
    })));
    assert.equal(run.status, 'passed', run.reason ?? '');
    assert.deepEqual({ ...run.step, refused: undefined }, { reached: 2, of: 3, percent: 67, refused: undefined });
    assert.equal(run.step?.refused?.step, 3);
    assert.match(run.reason ?? '', /reached step 2\/3 \(67%\), widening to step 3 \(100%\) refused: governor: /);
    assert.equal(max, 2, 'two of three service-a proxies faulted at the widest');
    const refused = run.timeline.find((e) => e.event === 'widening refused');
    assert.match(refused?.detail ?? '', /3 of 3 instances of service-a would be under faults; at most 2 \(67%/);
    assert.deepEqual([...appliedFaults(cluster.run)], []);
  });

  it('a progressive run stops widening at the first step whose hypothesis fails (an HTTP probe measuring 503)', async () => {
    const name = 'a-progressive-probe';
    const dry = await api<RunRecord>(base, 'POST', '/api/v1/experiments?dryRun=true', experiment(name, {
      targets: { service: 'service-a', selection: { steps: [34, 67] } }, fault: { type: 'abort', statusCode: 503 }, duration: '4s',
    }));
    const [first, second] = dry.body.targets;
    const { run, max } = await maxFaulted('service-a', runUntilDone(base, experiment(name, {
      hypothesis: [{ httpProbe: { url: proxyUrl(second, '/a'), expectStatus: 200, timeoutMs: 5000 } }],
      targets: { service: 'service-a', selection: { steps: [34, 67] } },
      fault: { type: 'abort', statusCode: 503 },
      duration: '4s',
    })));
    assert.equal(run.status, 'failed', run.reason ?? '');
    assert.deepEqual(run.step, { reached: 2, of: 2, percent: 67 });
    assert.deepEqual(run.targets, [first, second]);
    assert.match(run.reason ?? '', /hypothesis violated: GET .* answers 200 \(value 503\)/);
    assert.ok(run.signals.during.some((s) => s[0].value === 200), 'the probe held during step 1');
    assert.equal(max, 2);
    assert.deepEqual([...appliedFaults(cluster.run)], []);
  });

  it('the CLI runs, lists, shows and halts through the API, with exit codes and auth errors', async () => {
    const ok = join(dir, 'cli-ok.yaml');
    writeFileSync(ok, experiment('cli-latency', {
      targets: { service: 'service-b', selection: { mode: 'one' } }, fault: { type: 'latency', latencyMs: 5 }, duration: '2s',
    }));
    const notSteady = join(dir, 'cli-not-steady.yaml');
    writeFileSync(notSteady, experiment('cli-not-steady', {
      hypothesis: [{ signal: { service: 'edge', signal: 'rate_rps', below: 1, window: '10s' } }],
      targets: { service: 'service-b', selection: { mode: 'one' } }, fault: { type: 'latency', latencyMs: 5 }, duration: '2s',
    }));
    const common = ['--api', base, '--data-dir', join(dir, 'no-data-dir')];
    const [passed, aborted] = await Promise.all([
      cli(['chaos', 'run', ok, ...common, '--token', TOKEN]),
      cli(['chaos', 'run', notSteady, ...common, '--token', TOKEN]),
    ]);
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    const runId = /^started (\S+)$/m.exec(passed.stdout)?.[1];
    assert.ok(runId, passed.stdout);
    for (const line of [/targets resolved: service-b-\d/, /hypothesis held before/, /fault applied: service-b-\d/, /faults reverted/, /^verdict: passed/m]) {
      assert.match(passed.stdout, line);
    }
    assert.equal(aborted.code, 1, aborted.stdout + aborted.stderr);
    assert.match(aborted.stdout, /verdict: aborted \(steady state did not hold before the run: edge rate_rps \(10s\) < 1 \(value \d/);

    // CLI children are slow to start on a busy machine: the rest goes in parallel,
    // with a long run on service-a that the global halt stops.
    const long = join(dir, 'cli-long.yaml');
    writeFileSync(long, experiment('cli-long', {
      targets: { service: 'service-a', selection: { mode: 'one' } }, fault: { type: 'latency', latencyMs: 5 }, duration: '120s',
    }));
    const following = cli(['chaos', 'run', long, ...common, '--token', TOKEN]);
    const [list, status, noToken, viewerRun, dryRun] = await Promise.all([
      cli(['chaos', 'list', ...common, '--token', TOKEN]),
      cli(['chaos', 'status', runId, ...common, '--token', TOKEN]),
      cli(['chaos', 'list', ...common]),
      cli(['chaos', 'run', ok, ...common, '--token', VIEWER_TOKEN]),
      cli(['chaos', 'run', notSteady, '--dry-run', ...common, '--token', VIEWER_TOKEN]),
    ]);
    assert.equal(dryRun.code, 1, 'a dry run that would not start exits 1');
    assert.match(dryRun.stdout, /status aborted/);
    assert.match(dryRun.stdout, /targets: service-b-\d/);
    assert.match(dryRun.stdout, /governor: would admit it now/);
    assert.match(dryRun.stdout, /before FAIL edge rate_rps \(10s\) < 1: \d/);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${runId}\\s+passed\\s+latency\\s+service-b`));
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`run ${runId}  experiment cli-latency  latency on service-b  status passed`));
    assert.match(status.stdout, /verdict passed/);
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /missing bearer token.*give --token, set FAULTLINE_TOKEN/);
    assert.equal(viewerRun.code, 2);
    assert.match(viewerRun.stderr, /needs the operator role; token "env-viewer" is a viewer/);

    await waitFor('the long run fault applied', () => (appliedFaults(cluster.run).size === 1 ? true : undefined), 60_000);
    const halt = await cli(['chaos', 'halt', '--all', ...common, '--token', TOKEN]);
    assert.equal(halt.code, 0, halt.stderr);
    assert.match(halt.stdout, /halted: every run stops, [1-9]\d* agent\(s\) reverted every fault/);
    const halted = await following;
    assert.equal(halted.code, 1);
    assert.match(halted.stdout, /fault applied: service-a-\d/);
    assert.match(halted.stdout, /verdict: aborted \(halted: global chaos halt by env-operator\)/);
    // Not a terminal: a progress line every 5 s (the first as soon as it runs).
    assert.match(halted.stdout, /running \d+s; checks: /);
    assert.deepEqual([...appliedFaults(cluster.run)], []);
    assert.equal((await api(base, 'POST', '/api/v1/chaos/resume')).status, 200);
  });

  it('resilience score per service and scenario, in the API with its history and on /metrics', async () => {
    type Score = { subject: string; score: number | null; runs: number; passed: number; history: Array<{ score: number }> };
    const r = await api<{ weights: Record<string, number>; services: Score[]; scenarios: Score[] }>(base, 'GET', '/api/v1/resilience');
    const runs = (await api<{ runs: RunRecord[] }>(base, 'GET', '/api/v1/runs?limit=1000')).body.runs;
    const counted = (service?: string) => runs.filter((x) => x.applied && !x.haltedBy && ['passed', 'failed', 'aborted'].includes(x.status) && (!service || x.service === service));
    const expected = (list: RunRecord[]) => list.filter((x) => x.status === 'passed').reduce((a, x) => a + r.body.weights[x.fault], 0)
      / list.reduce((a, x) => a + r.body.weights[x.fault], 0);
    const a = r.body.services.find((s) => s.subject === 'service-a')!;
    // service-a: passed latency runs (weight 1), the failed abort run (weight 2); the halted one is left out.
    assert.ok(a.runs >= 3 && a.passed === a.runs - 1, JSON.stringify(a));
    assert.ok(Math.abs(a.score! - expected(counted('service-a'))) < 1e-9);
    assert.ok(a.score! < 1 && a.score! > 0);
    assert.ok(a.history.length >= 1);
    const b = r.body.services.find((s) => s.subject === 'service-b')!;
    assert.equal(b.score, 1);
    assert.ok(runs.some((x) => x.experiment === 'cli-long' && x.applied && x.haltedBy === 'env-operator'), 'the halted run is not counted');
    const scenario = r.body.scenarios.find((s) => s.subject === 'reference')!;
    assert.ok(Math.abs(scenario.score! - expected(counted())) < 1e-9);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const gauge = (name: string, label: string) => Number(new RegExp(`^${name}\\{${label}\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    assert.ok(Math.abs(gauge('faultline_chaos_resilience_score', 'service="service-a"') - a.score!) < 1e-9);
    assert.equal(gauge('faultline_chaos_resilience_score', 'service="service-b"'), 1);
    assert.ok(Math.abs(gauge('faultline_chaos_scenario_resilience_score', 'scenario="reference"') - scenario.score!) < 1e-9);
  });

  it('an invalid file in experiments.dir stops faultline up with the file and the key', async () => {
    const badDir = join(dir, 'bad-exp');
    mkdirSync(badDir);
    writeFileSync(join(badDir, 'ok.yaml'), scheduledFile);
    writeFileSync(join(badDir, 'broken.yaml'), scheduledFile.replace('duration: 1s', 'duration: 1s\n  blastRadius: 3'));
    writeFileSync(join(dir, 'bad.yaml'), `experiments: { dir: ${badDir} }\n`);
    await assert.rejects(
      startFaultline({ env: { REDIS_URL: redis.url, FAULTLINE_OPERATOR_TOKEN: TOKEN }, args: ['--config', join(dir, 'bad.yaml')] }),
      (err: Error) => /invalid experiment \(.*broken\.yaml\)/.test(err.message) && /spec\.blastRadius: unknown key/.test(err.message),
    );
    const listed = await api<{ scheduled: Array<{ name: string }> }>(base, 'GET', '/api/v1/experiments');
    assert.deepEqual(listed.body.scheduled, [], 'nothing from the bad directory was scheduled');
  });

  // Last: it stops the platform.
  it('SIGTERM of faultline up halts its scheduled run, reverts the fault and records who stopped it', async () => {
    const body = experiment('dir-shutdown', {
      targets: { service: 'service-b', selection: { mode: 'one' } }, fault: { type: 'latency', latencyMs: 5 }, duration: '120s',
      schedule: { cron: '*/2 * * * * *', startingDeadlineSeconds: 5 },
    });
    assert.equal((await api(base, 'POST', '/api/v1/experiments?mode=schedule', body)).status, 201);
    await waitFor('the scheduled run applied its fault', () => (appliedFaults(cluster.run).size === 1 ? true : undefined), 30_000);
    const stopped = await platform.stop('SIGTERM');
    assert.equal(stopped.code, 0);
    assert.deepEqual([...appliedFaults(cluster.run)], [], 'the fault was reverted on the way out');
    const client = new Redis(redis.url);
    try {
      const runs = await new RunStore(client).list({ experiment: 'dir-shutdown' });
      assert.equal(runs.length, 1);
      assert.deepEqual([runs[0].status, runs[0].haltedBy, runs[0].who], ['aborted', 'shutdown', 'scheduler']);
      assert.ok(runs[0].timeline.some((e) => e.event === 'faults reverted'));
    } finally {
      client.disconnect();
    }
  });
});
