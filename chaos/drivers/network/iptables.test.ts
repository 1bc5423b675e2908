import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionRules } from '../../faults/partition.ts';
import { parseFaultSpec, type PartitionSpec } from '../../faults/specs.ts';
import { datestop, familiesOf, ruleArgs, splitRule } from './iptables.ts';

describe('iptables rules', () => {
  it('turns a partition into rules per way and peer', () => {
    const spec = parseFaultSpec({ type: 'partition', direction: 'upstream', peers: ['10.0.0.1', '10.1.0.0/16'] }) as PartitionSpec;
    assert.deepEqual(partitionRules(spec), [
      { way: 'in', peer: '10.0.0.1', mode: 'blackhole' },
      { way: 'in', peer: '10.1.0.0/16', mode: 'blackhole' },
    ]);
    const everyone = parseFaultSpec({ type: 'partition', mode: 'reset' }) as PartitionSpec;
    assert.deepEqual(partitionRules(everyone).map((r) => [r.way, r.peer]), [['in', undefined], ['out', undefined]]);
  });

  it('writes each rule with loopback spared, an expiry and the owner tag', () => {
    const at = Date.UTC(2026, 10, 21, 13, 50, 10, 100);
    // Matched through the whole second 13:50:10, i.e. until 13:50:11.000.
    assert.equal(datestop(at), '2026-11-21T13:50:10');
    assert.deepEqual(ruleArgs({ way: 'out', peer: '10.0.0.2', mode: 'blackhole' }, 'faultline:a/f1', at), [
      ['-d', '10.0.0.2', '!', '-o', 'lo', '-m', 'time', '--datestop', '2026-11-21T13:50:10', '-m', 'comment', '--comment', 'faultline:a/f1', '-j', 'DROP'],
    ]);
    const reset = ruleArgs({ way: 'in', mode: 'reset' }, 't', at);
    assert.deepEqual(reset.map((r) => r.slice(-4)), [['-j', 'REJECT', '--reject-with', 'tcp-reset'], ['--comment', 't', '-j', 'REJECT']]);
  });

  it('lets the answers of an inbound reject out, and IPv6 neighbour discovery through', () => {
    const at = Date.UTC(2026, 10, 21, 13, 50, 10);
    const targets = (rules: string[][]) => rules.map((r) => [r.slice(0, r.indexOf('!')).join(' '), r.slice(r.indexOf('-j') + 1).join(' ')]);
    assert.deepEqual(targets(ruleArgs({ way: 'out', mode: 'reset' }, 't', at, 4)), [
      ['-p tcp --tcp-flags RST RST', 'RETURN'],
      ['-p icmp --icmp-type port-unreachable', 'RETURN'],
      ['-p tcp', 'REJECT --reject-with tcp-reset'],
      ['', 'REJECT'],
    ]);
    assert.deepEqual(targets(ruleArgs({ way: 'in', peer: 'fd00::1', mode: 'blackhole' }, 't', at, 6)), [
      ['-p ipv6-icmp --icmpv6-type neighbour-solicitation -s fd00::1', 'RETURN'],
      ['-p ipv6-icmp --icmpv6-type neighbour-advertisement -s fd00::1', 'RETURN'],
      ['-s fd00::1', 'DROP'],
    ]);
  });

  it('cuts both families without peers, and only the peers\' family with them', () => {
    assert.deepEqual(familiesOf([{ way: 'in', mode: 'blackhole' }]), [4, 6]);
    assert.deepEqual(familiesOf([{ way: 'in', peer: '10.0.0.0/8', mode: 'blackhole' }]), [4]);
    assert.deepEqual(familiesOf([{ way: 'in', peer: '2001:db8::/32', mode: 'blackhole' }]), [6]);
  });

  it('splits `iptables -S` lines with quoted comments', () => {
    assert.deepEqual(
      splitRule('-A FAULTLINE-IN -s 10.0.0.1/32 -m comment --comment "faultline:a b/f1" -j DROP'),
      ['-A', 'FAULTLINE-IN', '-s', '10.0.0.1/32', '-m', 'comment', '--comment', 'faultline:a b/f1', '-j', 'DROP'],
    );
  });
});
