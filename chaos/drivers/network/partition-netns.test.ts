import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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
// and directions block what, over IPv4 and IPv6, TCP and UDP, and that
// traffic flows again afterwards.

type Probe = { family?: 4 | 6; protocol?: 'tcp' | 'udp' };
const tcp4: Probe = {};
const udp4: Probe = { protocol: 'udp' };
const tcp6: Probe = { family: 6 };
const udp6: Probe = { family: 6, protocol: 'udp' };
const show = (p: Probe) => `${p.protocol ?? 'tcp'}/IPv${p.family ?? 4}`;

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

  // A probe gives up after 500 ms: a reset must be seen before that, not time out.
  const cases: Array<{ name: string; fault: Record<string, unknown>; peers?: 'a' | 'a6' | 'other'; expect: Array<[Probe, string]> }> = [
    { name: 'reset from one peer refuses connections', fault: { type: 'partition', mode: 'reset', direction: 'upstream' }, peers: 'a', expect: [[tcp4, 'ECONNREFUSED'], [tcp6, 'ok']] },
    {
      name: 'reset in both directions refuses at once (the RST and ICMP answers get out)',
      fault: { type: 'partition', mode: 'reset' },
      expect: [[tcp4, 'ECONNREFUSED'], [udp4, 'ECONNREFUSED'], [tcp6, 'ECONNREFUSED'], [udp6, 'ECONNREFUSED']],
    },
    {
      name: 'reset in both directions from one IPv6 peer leaves IPv4 alone',
      fault: { type: 'partition', mode: 'reset' }, peers: 'a6', expect: [[tcp6, 'ECONNREFUSED'], [udp6, 'ECONNREFUSED'], [tcp4, 'ok']],
    },
    { name: 'a partition from another peer leaves this one alone', fault: { type: 'partition' }, peers: 'other', expect: [[tcp4, 'ok'], [tcp6, 'ok']] },
    { name: 'a blackhole cuts IPv4 and IPv6', fault: { type: 'partition' }, expect: [[tcp4, 'timeout'], [udp4, 'timeout'], [tcp6, 'timeout'], [udp6, 'timeout']] },
    { name: 'blackhole of outbound traffic only still blocks the handshake', fault: { type: 'partition', direction: 'downstream' }, expect: [[tcp4, 'timeout'], [tcp6, 'timeout']] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      for (const [probe] of c.expect) assert.equal(await pair.probe(port, 600, probe), 'ok', `${show(probe)} before`);
      const peers = c.peers === 'a' ? [pair.addrA] : c.peers === 'a6' ? [`${pair.addr6A}/128`] : c.peers === 'other' ? ['192.0.2.1', '2001:db8::/32'] : [];
      const faultId = `p-${Math.random().toString(36).slice(2, 8)}`;
      await executor.apply({ faultId, fault: parseFaultSpec({ ...c.fault, peers }), target: { kind: 'network', netns: pair.b }, leaseMs: 20_000 });
      for (const [probe, expected] of c.expect) assert.equal(await pair.probe(port, 500, probe), expected, show(probe));
      await executor.revert(faultId);
      for (const [probe] of c.expect) assert.equal(await pair.probe(port, 600, probe), 'ok', `${show(probe)} restored`);
      assert.deepEqual(await listRules(pair.b), []);
    });
  }

  it('keeps a reset a reset after a renewal (the rules keep their order)', async () => {
    await executor.apply({ faultId: 'renewed', fault: parseFaultSpec({ type: 'partition', mode: 'reset' }), target: { kind: 'network', netns: pair.b }, leaseMs: 20_000 });
    // A renewal into a later second rewrites the rules.
    await new Promise((r) => setTimeout(r, 1000));
    await executor.renew('renewed', 30_000);
    for (const probe of [tcp4, udp4, tcp6]) assert.equal(await pair.probe(port, 500, probe), 'ECONNREFUSED', show(probe));
    await executor.revert('renewed');
    assert.deepEqual(await listRules(pair.b), []);
  });

  it('refuses a partial network partition and an unknown namespace', async () => {
    await assert.rejects(executor.apply({ faultId: 'x1', fault: parseFaultSpec({ type: 'partition', share: 0.5 }), target: { kind: 'network', netns: pair.b }, leaseMs: 1000 }), /fault\.share: a network partition cuts all traffic/);
    await assert.rejects(executor.apply({ faultId: 'x2', fault: parseFaultSpec({ type: 'partition' }), target: { kind: 'network', netns: 'fl-test-does-not-exist' }, leaseMs: 1000 }), /target\.netns: no network namespace/);
    assert.deepEqual(await listRules(pair.b), []);
  });

  it('refuses to cut IPv4 only when ip6tables is missing', async () => {
    // A PATH with ip and iptables but no ip6tables.
    const bin = mkdtempSync(join(tmpdir(), 'fl-nov6-'));
    for (const tool of ['ip', 'iptables']) symlinkSync(execFileSync('which', [tool], { encoding: 'utf8' }).trim(), join(bin, tool));
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      await assert.rejects(
        executor.apply({ faultId: 'no-v6', fault: parseFaultSpec({ type: 'partition' }), target: { kind: 'network', netns: pair.b }, leaseMs: 5000 }),
        /ip6tables was not found on PATH \(a partition without peers cuts IPv6 as well as IPv4\); not applied/,
      );
      // IPv4 peers alone need no ip6tables.
      await executor.apply({ faultId: 'v4-only', fault: parseFaultSpec({ type: 'partition', peers: [pair.addrA] }), target: { kind: 'network', netns: pair.b }, leaseMs: 5000 });
      await executor.revert('v4-only');
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
    assert.deepEqual(await listRules(pair.b), []);
  });
});
