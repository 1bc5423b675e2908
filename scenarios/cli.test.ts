import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { commandLine, descendants } from './testing/proc.ts';
import { startTraceSink, type TraceSink } from './testing/trace-sink.ts';

// `faultline scenario run` as a user runs it: ends by itself after
// --duration, stops on SIGINT (also during start-up), and when killed with
// SIGKILL its instances and its private Redis exit on their own.

const bin = fileURLToPath(new URL('../bin/faultline.mjs', import.meta.url));

const scenario = {
  apiVersion: 'faultline.dev/v1', kind: 'Scenario', metadata: { name: 'cli-test' },
  spec: {
    services: [
      { name: 'front', instances: 2, latencyMs: { p50: 1, p99: 3 }, calls: [{ service: 'back' }] },
      { name: 'back', latencyMs: { p50: 1, p99: 3 } },
    ],
    load: { service: 'front', rps: 10 },
  },
};

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

interface Runner { child: ChildProcess; output: () => string; exited: Promise<number | null> }

function runScenario(dir: string, extra: string[]): Runner {
  const child = spawn(process.execPath, [bin, 'scenario', 'run', join(dir, 'scenario.yaml'), '--state-dir', join(dir, 'state'), ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FAULTLINE_LOG_FORMAT: 'json' },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('faultline scenario run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
  let sink: TraceSink;
  const runners: Runner[] = [];
  let baseline: number[] = [];
  const start = (extra: string[]) => {
    const r = runScenario(dir, ['--collector', sink.url, ...extra]);
    runners.push(r);
    return r;
  };

  before(async () => {
    baseline = descendants(process.pid);
    writeFileSync(join(dir, 'scenario.yaml'), stringify(scenario));
    sink = await startTraceSink();
  });

  after(async () => {
    for (const r of runners) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--duration: sends spans, ends by itself with exit 0, leaves nothing', async () => {
    const r = start(['--duration', '5s']);
    assert.equal(await r.exited, 0, r.output());
    assert.match(r.output(), /"msg":"scenario stopped"/);
    const services = new Set(sink.spans.map((s) => s.service));
    assert.ok(services.has('front') && services.has('back'), `spans from ${[...services].join(', ')}`);
    const left = descendants(process.pid).filter((pid) => !baseline.includes(pid));
    assert.deepEqual(left.map((pid) => `${pid} ${commandLine(pid)}`), []);
  });

  it('on a terminal, shows a progress line rewritten every second', async () => {
    // script(1) runs the command on a real pseudo-terminal.
    const command = [process.execPath, bin, 'scenario', 'run', join(dir, 'scenario.yaml'), '--state-dir', join(dir, 'state'),
      '--collector', sink.url, '--duration', '3s', '--no-agent', '--log-level', 'warn'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const r = { stdout: '', stderr: '', status: null as number | null };
    child.stdout.on('data', (c: Buffer) => { r.stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { r.stderr += c.toString(); });
    r.status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\r\x1b[K').slice(1);
    assert.ok(lines.length >= 2, `progress lines: ${JSON.stringify(r.stdout.slice(0, 500))}`);
    assert.match(lines.at(-1)!, /^cli-test {2}\d+s {2}[\d.]+\/10 rps {2}errors [\d.]+% {2}p50 \d+ ms {2}p99 \d+ ms {2}sent \d+ {2}in flight \d+ {2}dropped \d+ {2}restarts 0/);
  });

  it('SIGINT stops it with exit 0 and nothing left', async () => {
    const r = start([]);
    await waitFor('the scenario to start', () => r.output().includes('"msg":"scenario started"'), 30_000);
    r.child.kill('SIGINT');
    assert.equal(await r.exited, 0, r.output());
    const left = descendants(process.pid).filter((pid) => !baseline.includes(pid));
    assert.deepEqual(left.map((pid) => `${pid} ${commandLine(pid)}`), []);
  });

  it('SIGINT during start-up stops it once started, with exit 0 and nothing left', async () => {
    const r = start([]);
    await waitFor('start-up to begin', () => r.output().includes('"msg":"embedded redis-server started"'), 30_000);
    r.child.kill('SIGINT');
    assert.equal(await r.exited, 0, r.output());
    assert.match(r.output(), /as soon as its start-up has finished/);
    const left = descendants(process.pid).filter((pid) => !baseline.includes(pid));
    assert.deepEqual(left.map((pid) => `${pid} ${commandLine(pid)}`), []);
  });

  it('after SIGKILL the instances and the private Redis exit by themselves', async () => {
    const r = start([]);
    await waitFor('the scenario to start', () => r.output().includes('"msg":"scenario started"'), 30_000);
    const children = descendants(r.child.pid!);
    const pidFile = join(dir, 'state', 'redis-cli-test', 'redis', 'redis.pid');
    const redisPid = Number(readFileSync(pidFile, 'utf8').trim());
    const instances = children.filter((pid) => pid !== redisPid && commandLine(pid).startsWith(process.execPath));
    assert.equal(instances.length, 3, children.map((pid) => `${pid} ${commandLine(pid)}`).join('\n'));
    r.child.kill('SIGKILL');
    await r.exited;
    await waitFor('every instance to exit once its supervisor is gone', () => instances.every((pid) => !alive(pid)), 10_000);
    await waitFor('the private redis-server to exit once its runner is gone', () => !alive(redisPid), 10_000);

    const next = start(['--duration', '3s']);
    assert.equal(await next.exited, 0, next.output());
    assert.ok(!existsSync(pidFile) || !alive(Number(readFileSync(pidFile, 'utf8').trim())));
  });
});
