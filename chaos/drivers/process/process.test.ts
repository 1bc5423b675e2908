import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { publishInstance } from '../../../scenarios/registry.ts';
import { startTestRedis } from '../../../platform/testing/redis.ts';
import { FaultExecutor } from '../../agent/fault-executor.ts';
import { Journal } from '../../agent/journal.ts';
import { parseFaultSpec } from '../../faults/specs.ts';
import { silentLogger } from '../../../platform/logger.ts';
import { killProcesses } from './kill.ts';
import { isRunning, resolveProcesses } from './resolve.ts';

const marker = `fl-victim-${Math.random().toString(36).slice(2, 8)}`;

/** A node child that ignores SIGTERM when asked to, tagged with `marker` in its command line. */
function victim(ignoreTerm = false): Promise<ChildProcess> {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('up')`;
  const child = spawn(process.execPath, ['-e', code, marker], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

describe('process driver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fl-proc-'));
  const children: ChildProcess[] = [];
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let client: Redis;
  before(async () => {
    redis = await startTestRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    client?.disconnect();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const spawnVictim = async (ignoreTerm = false) => {
    const child = await victim(ignoreTerm);
    children.push(child);
    return child.pid!;
  };

  it('resolves a pid, a pid file, a command-line pattern and a scenario instance', async () => {
    const a = await spawnVictim();
    const b = await spawnVictim();
    writeFileSync(join(dir, 'b.pid'), `${b}\n`);
    await publishInstance(client, {
      scenario: 'test', service: 'payments', instance: 'payments-1', pid: a, host: hostname(), listenHost: '127.0.0.1', port: 1,
      address: '127.0.0.1:1', restarts: 0, updatedAtMs: Date.now(),
    });
    assert.deepEqual(await resolveProcesses({ kind: 'process', pid: a }), [a]);
    assert.deepEqual(await resolveProcesses({ kind: 'process', pidFile: join(dir, 'b.pid') }), [b]);
    assert.deepEqual(await resolveProcesses({ kind: 'process', pattern: marker }), [a, b].sort((x, y) => x - y));
    assert.deepEqual(await resolveProcesses({ kind: 'process', instance: 'payments-1' }, { redis: client }), [a]);
  });

  it('names what it cannot find', async () => {
    await assert.rejects(resolveProcesses({ kind: 'process', pattern: 'no-such-process-xyz-123' }), /target\.pattern: no process matches/);
    await assert.rejects(resolveProcesses({ kind: 'process', pidFile: join(dir, 'missing.pid') }), /target\.pidFile: cannot read/);
    await assert.rejects(resolveProcesses({ kind: 'process', instance: 'ghost-1' }, { redis: client }), /target\.instance: no scenario instance named ghost-1/);
    await assert.rejects(resolveProcesses({ kind: 'process', pattern: '(' }), /target\.pattern: Invalid regular expression/);
    await publishInstance(client, {
      scenario: 'test', service: 'payments', instance: 'payments-9', pid: process.pid, host: 'elsewhere', listenHost: '127.0.0.1', port: 1,
      address: '127.0.0.1:1', restarts: 0, updatedAtMs: Date.now(),
    });
    await assert.rejects(resolveProcesses({ kind: 'process', instance: 'payments-9' }, { redis: client }), /target\.instance: payments-9 runs on elsewhere, not on this host/);
  });

  it('kills with SIGKILL at once, and with SIGTERM escalates after the grace period', async () => {
    const polite = await spawnVictim();
    const stubborn = await spawnVictim(true);
    const plain = await spawnVictim();
    const options = (gracePeriodMs: number) => ({ gracePeriodMs, waitUntilMs: Date.now() + 60_000, abort: new AbortController().signal });
    assert.deepEqual((await killProcesses([plain], 'SIGKILL', options(0))).outcomes, [{ pid: plain, outcome: 'exited' }]);
    const started = Date.now();
    const report = await killProcesses([polite, stubborn], 'SIGTERM', options(300));
    assert.deepEqual(report.outcomes, [{ pid: polite, outcome: 'exited' }, { pid: stubborn, outcome: 'escalated' }]);
    assert.ok(Date.now() - started >= 290);
    for (const pid of [polite, stubborn, plain]) assert.equal(isRunning(pid), false);
    assert.deepEqual((await killProcesses([plain], 'SIGKILL', options(0))).outcomes, [{ pid: plain, outcome: 'gone' }]);
  });

  it('answers by the time its caller can wait, and escalates on its own after that', async () => {
    const polite = await spawnVictim();
    const stubborn = await spawnVictim(true);
    const started = Date.now();
    const report = await killProcesses([polite, stubborn], 'SIGTERM', { gracePeriodMs: 800, waitUntilMs: Date.now() + 150, abort: new AbortController().signal });
    assert.ok(Date.now() - started < 600, `answered after ${Date.now() - started} ms`);
    assert.deepEqual(report.outcomes, [{ pid: polite, outcome: 'exited' }, { pid: stubborn, outcome: 'terminating' }]);
    assert.ok(report.escalateAtMs! >= started + 800);
    assert.deepEqual(await report.settled, [{ pid: polite, outcome: 'exited' }, { pid: stubborn, outcome: 'escalated' }]);
    assert.equal(isRunning(stubborn), false);
  });

  it('applies a SIGTERM kill whose grace period outlasts its lease, and says what it did', async () => {
    const stubborn = await spawnVictim(true);
    const executor = new FaultExecutor({ owner: 'kill-test', proxies: new Map(), journal: new Journal(join(dir, 'journal.json')), logger: silentLogger(), maxLeaseMs: 60_000 });
    const info = await executor.apply({
      faultId: 'k1', fault: parseFaultSpec({ type: 'kill', signal: 'SIGTERM', gracePeriodMs: 2500 }), target: { kind: 'process', pid: stubborn }, leaseMs: 1500,
    });
    assert.deepEqual(info.details?.kill, [{ pid: stubborn, outcome: 'terminating' }]);
    assert.equal(typeof info.details?.escalateAtMs, 'number');
    const deadline = Date.now() + 5000;
    while (isRunning(stubborn) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isRunning(stubborn), false, 'SIGKILL followed the grace period');
    await executor.revertAll();
  });
});
