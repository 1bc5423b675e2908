import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../platform/logger.ts';
import { FaultExecutor } from '../agent/fault-executor.ts';
import { Journal } from '../agent/journal.ts';
import { allFaultCases, type FaultEnv } from '../testing/fault-cases.ts';
import { parseFaultSpec } from './specs.ts';

// The suite every fault type passes, in process: apply has an observable
// effect, revert removes it, lease expiry removes it with no revert call,
// double revert is harmless. (Crash behaviour: chaos/agent/agent-crash.test.ts.)

// Long enough for apply and one observation on a loaded 2-core machine.
const LEASE_MS = 3000;

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const fc of allFaultCases()) {
  describe(`fault ${fc.name}`, () => {
    let env: FaultEnv;
    let executor: FaultExecutor;
    const stateDir = mkdtempSync(join(tmpdir(), 'fl-suite-'));
    const owner = `suite-${Math.random().toString(36).slice(2, 8)}`;
    let n = 0;
    const nextId = () => `f${++n}`;

    before(async () => {
      env = await fc.setup();
      executor = new FaultExecutor({
        owner, journal: new Journal(join(stateDir, 'journal.json')), logger: silentLogger(), maxLeaseMs: 60_000,
        proxies: new Map(env.proxy ? [[env.proxy.name, env.proxy]] : []),
      });
    });
    after(async () => {
      await executor?.revertAll();
      await env?.destroy();
      rmSync(stateDir, { recursive: true, force: true });
    });

    it('apply gives an observable effect and revert removes it', async () => {
      const trial = await fc.trial(env, owner);
      assert.equal(await trial.present(), false, 'no effect before apply');
      const faultId = nextId();
      await executor.apply({ faultId, fault: parseFaultSpec(fc.fault), target: trial.target, leaseMs: 30_000 });
      assert.equal(await trial.present(), true, 'effect after apply');
      assert.equal(await executor.revert(faultId), true);
      if (fc.permanent) assert.equal(await trial.present(), true, 'a killed process stays dead');
      else assert.equal(await trial.present(), false, 'no effect after revert');
      assert.deepEqual(executor.list(), []);
    });

    it('lease expiry removes the effect without a revert call', async () => {
      const trial = await fc.trial(env, owner);
      const faultId = nextId();
      await executor.apply({ faultId, fault: parseFaultSpec(fc.fault), target: trial.target, leaseMs: LEASE_MS });
      // The lease starts before apply; starting children can take a while here.
      const { expiresAtMs } = await executor.renew(faultId, LEASE_MS);
      assert.equal(await trial.present(), true, 'effect after apply');
      assert.ok(Date.now() < expiresAtMs, 'observed while the lease still ran');
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAtMs - Date.now())));
      assert.equal(await eventually(async () => executor.list().length === 0, 1000), true, 'lease ended');
      if (!fc.permanent) assert.equal(await eventually(async () => !(await trial.present()), 2000), true, 'effect gone after lease');
      assert.equal(await executor.revert(faultId), false, 'nothing left to revert');
    });

    it('double revert is harmless', async () => {
      const trial = await fc.trial(env, owner);
      const faultId = nextId();
      await executor.apply({ faultId, fault: parseFaultSpec(fc.fault), target: trial.target, leaseMs: 30_000 });
      const [first, second] = await Promise.all([executor.revert(faultId), executor.revert(faultId)]);
      assert.deepEqual([first, second].sort(), [false, true]);
      assert.equal(await executor.revert(faultId), false);
      if (!fc.permanent) assert.equal(await trial.present(), false);
    });
  });
}
