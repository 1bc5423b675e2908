import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFaultSpec } from './specs.ts';
import { parseTargetSelector } from './target.ts';

function throwsMessage(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: Error) => message.test(err.message));
}

describe('parseFaultSpec', () => {
  const errors: Array<[string, unknown, RegExp]> = [
    ['latency without a number', { type: 'latency', latencyMs: 'x' }, /^fault\.latencyMs: expected a number$/],
    ['latency missing latencyMs', { type: 'latency' }, /^fault\.latencyMs: required$/],
    ['unknown type', { type: 'nope' }, /^fault\.type: expected one of latency, abort/],
    ['unknown key', { type: 'kill', signl: 'SIGTERM' }, /^fault\.signl: unknown key$/],
    ['share as percent', { type: 'abort', share: 50 }, /^fault\.share: must be at most 1/],
    ['bad status', { type: 'abort', statusCode: 99 }, /^fault\.statusCode: must be at least 200 /],
    ['an interim status', { type: 'abort', statusCode: 101 }, /^fault\.statusCode: must be at least 200 \(1xx are not final responses\)$/],
    ['bad direction', { type: 'bandwidth', bytesPerSecond: 10, direction: 'sideways' }, /^fault\.direction: expected one of upstream, downstream, both$/],
    ['bad peer', { type: 'partition', peers: ['10.0.0.1', 'example.com'] }, /^fault\.peers\.1: expected an IPv4 or IPv6 address or CIDR, got "example\.com"$/],
    ['an IPv4 octet over 255', { type: 'partition', peers: ['999.1.1.1'] }, /^fault\.peers\.0: expected an IPv4 or IPv6 address or CIDR, got "999\.1\.1\.1"$/],
    ['an IPv4 prefix over 32', { type: 'partition', peers: ['10.0.0.0/40'] }, /^fault\.peers\.0: "10\.0\.0\.0\/40": the prefix length of an IPv4 CIDR is 0 to 32$/],
    ['an IPv6 prefix over 128', { type: 'partition', peers: ['fd00::/129'] }, /^fault\.peers\.0: "fd00::\/129": the prefix length of an IPv6 CIDR is 0 to 128$/],
    ['an IPv4-mapped IPv6 peer', { type: 'partition', peers: ['::ffff:10.0.0.1'] }, /^fault\.peers\.0: .*IPv4-mapped IPv6 address: write the IPv4 address instead$/],
    ['a scoped IPv6 peer', { type: 'partition', peers: ['fe80::1%eth0'] }, /^fault\.peers\.0: expected an IPv4 or IPv6 address or CIDR/],
    ['a share on cpu', { type: 'cpu', share: 0.5 }, /^fault\.share: does not apply: a cpu fault loads the host \(set cores and percent\)$/],
    ['a share on disk-fill', { type: 'disk-fill', path: '/tmp', percent: 50, share: 0.2 }, /^fault\.share: does not apply: a disk-fill fault fills one filesystem \(set percent\)$/],
    ['disk-fill percent', { type: 'disk-fill', path: '/tmp', percent: 0 }, /^fault\.percent: must be more than 0$/],
    ['not a mapping', 'latency', /^fault: expected a mapping with a type$/],
    ['a direction where the type has none', { type: 'kill', direction: 'upstream' }, /^fault\.direction: unknown key$/],
    ['an envelope error before the attributes', { type: 'latency', share: 0, latencyMs: 'x' }, /^fault\.share: must be more than 0$/],
  ];
  for (const [name, input, message] of errors) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseFaultSpec(input), (err: Error) => message.test(err.message));
    });
  }

  const defaults: Array<[unknown, Record<string, unknown>]> = [
    [{ type: 'latency', latencyMs: 100 }, { type: 'latency', latencyMs: 100, jitterMs: 0, direction: 'downstream', share: 1 }],
    [{ type: 'abort' }, { type: 'abort', mode: 'http', statusCode: 503, share: 1 }],
    [{ type: 'partition' }, { type: 'partition', mode: 'blackhole', direction: 'both', peers: [], share: 1 }],
    [{ type: 'kill' }, { type: 'kill', signal: 'SIGKILL', gracePeriodMs: 5000, share: 1 }],
    [{ type: 'cpu' }, { type: 'cpu', cores: 1, percent: 100, share: 1 }],
  ];
  for (const [input, expected] of defaults) {
    it(`fills the defaults of ${(input as { type: string }).type}`, () => {
      const spec = parseFaultSpec(input) as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(spec[key], value, key);
    });
  }

  it('accepts IPv4 and IPv6 peers and CIDRs', () => {
    const peers = ['10.0.0.1', '10.1.0.0/16', '0.0.0.0/0', 'fd00::1', '2001:db8::/32', '::/0'];
    assert.deepEqual((parseFaultSpec({ type: 'partition', peers }) as { peers: string[] }).peers, peers);
  });

  it('uses the key it is given in messages', () => {
    throwsMessage(() => parseFaultSpec({ type: 'latency', latencyMs: -1 }, 'steps.0.fault'), /^steps\.0\.fault\.latencyMs: must be at least 0 ms$/);
  });
});

describe('parseTargetSelector', () => {
  it('accepts each kind', () => {
    assert.deepEqual(parseTargetSelector({ kind: 'proxy', name: 'payments-1' }), { kind: 'proxy', name: 'payments-1' });
    assert.deepEqual(parseTargetSelector({ kind: 'process', instance: 'payments-1' }), { kind: 'process', instance: 'payments-1' });
    assert.deepEqual(parseTargetSelector({ kind: 'network', netns: 'fl-a' }), { kind: 'network', netns: 'fl-a' });
    assert.deepEqual(parseTargetSelector({ kind: 'host' }), { kind: 'host' });
  });
  it('wants exactly one process selector', () => {
    throwsMessage(() => parseTargetSelector({ kind: 'process', pid: 10, pattern: 'x' }), /^target\.\(top level\): give exactly one of pid, pidFile, pattern, instance$/);
  });
  it('names an unknown kind', () => {
    throwsMessage(() => parseTargetSelector({ kind: 'cluster' }), /^target\.kind: expected kind proxy, process, network or host$/);
  });
});
