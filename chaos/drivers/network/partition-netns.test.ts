import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../platform/logger.ts';
import { FaultExecutor } from '../../agent/fault-executor.ts';
import { Journal } from '../../agent/journal.ts';
import { parseFaultSpec } from '../../faults/specs.ts';
import { createNetnsPair, type NetnsPair } from '../../testing/netns.ts';
import { listRules } from './iptables.ts';

// Partitions between two namespaces of the test's own: which modes, peers
// and directions block what, and that traffic flows again afterwards.

describe('network partition between namespaces', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'fl-netns-'));
  const port = 7700;
  let pair: NetnsPair;
  let executor: FaultExecutor;
  before(async () => {
    pair = await createNetnsPair();
    await pair.serve(port);
    executor = new FaultExecutor({ owner: 'netns-test', proxies: new Map(), journal: new Journal(join(stateDir, 'j.json')), logger: silentLogger(), maxLeaseMs: 60_000 });
  });
  after(async () => {
    await executor?.revertAll();
    await pair?.destroy();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const cases: Array<{ name: string; fault: Record<string, unknown>; peers?: 'a' | 'other'; expect: string }> = [
    { name: 'reset from one peer refuses connections', fault: { type: 'partition', mode: 'reset', direction: 'upstream' }, peers: 'a', expect: 'ECONNREFUSED' },
    { name: 'a partition from another peer leaves this one alone', fault: { type: 'partition' }, peers: 'other', expect: 'ok' },
    { name: 'blackhole of outbound traffic only still blocks the handshake', fault: { type: 'partition', direction: 'downstream' }, expect: 'timeout' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.equal(await pair.probe(port), 'ok');
      const peers = c.peers === 'a' ? [pair.addrA] : c.peers === 'other' ? ['192.0.2.1'] : [];
      const faultId = `p-${Math.random().toString(36).slice(2, 8)}`;
      await executor.apply({ faultId, fault: parseFaultSpec({ ...c.fault, peers }), target: { kind: 'network', netns: pair.b }, leaseMs: 20_000 });
      assert.equal(await pair.probe(port, 500), c.expect);
      await executor.revert(faultId);
      assert.equal(await pair.probe(port), 'ok', 'restored');
      assert.deepEqual(await listRules(pair.b), []);
    });
  }

  it('refuses a partial network partition and an unknown namespace', async () => {
    await assert.rejects(executor.apply({ faultId: 'x1', fault: parseFaultSpec({ type: 'partition', share: 0.5 }), target: { kind: 'network', netns: pair.b }, leaseMs: 1000 }), /fault\.share: a network partition cuts all traffic/);
    await assert.rejects(executor.apply({ faultId: 'x2', fault: parseFaultSpec({ type: 'partition' }), target: { kind: 'network', netns: 'fl-test-does-not-exist' }, leaseMs: 1000 }), /target\.netns: no network namespace/);
    assert.deepEqual(await listRules(pair.b), []);
  });
});
