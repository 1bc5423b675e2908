import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onceRevert } from '../faults/fault.ts';
import { FakeClock } from './clock.ts';
import { LeaseTable } from './lease.ts';

function counter() {
  const calls = { n: 0 };
  return { calls, revert: onceRevert(async () => { calls.n += 1; }) };
}

describe('LeaseTable', () => {
  it('reverts when the lease runs out, not before', async () => {
    const clock = new FakeClock();
    const expired: string[] = [];
    const table = new LeaseTable({ clock, onExpired: (id) => expired.push(id) });
    const { calls, revert } = counter();
    table.grant('f1', 1000, revert);
    clock.advance(999);
    assert.equal(calls.n, 0);
    clock.advance(1);
    await Promise.resolve();
    assert.equal(calls.n, 1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(expired, ['f1']);
    assert.equal(table.has('f1'), false);
  });

  it('renewal pushes the end and tells listeners', () => {
    const clock = new FakeClock();
    const table = new LeaseTable({ clock });
    const { calls, revert } = counter();
    const lease = table.grant('f1', 1000, revert);
    const seen: number[] = [];
    lease.onRenew((_at, ttl) => { seen.push(ttl); });
    clock.advance(800);
    table.renew('f1', 1000);
    clock.advance(900);
    assert.equal(calls.n, 0);
    assert.deepEqual(seen, [1000]);
    clock.advance(100);
    assert.equal(calls.n, 1);
  });

  it('renewAndPassOn fails when a listener did not take the renewal, and renews here all the same', async () => {
    const clock = new FakeClock();
    const table = new LeaseTable({ clock });
    const lease = table.grant('f1', 1000, counter().revert);
    lease.onRenew(async () => {});
    lease.onRenew(() => { throw new Error('the proxy dropped it'); });
    await assert.rejects(table.renewAndPassOn('f1', 5000), /the proxy dropped it/);
    assert.equal(lease.expiresAt, clock.now() + 5000);
    table.renew('f1', 5000);
    await new Promise((r) => setImmediate(r));
  });

  it('refuses a lease longer than a timer can wait (it would end at once)', () => {
    const table = new LeaseTable({ clock: new FakeClock() });
    assert.throws(() => table.grant('f1', 2 ** 31, counter().revert), /leaseMs: at most 2147483647 ms/);
    assert.equal(table.has('f1'), false);
  });

  it('release reverts once; releasing twice and renewing after are clear', async () => {
    const table = new LeaseTable({ clock: new FakeClock() });
    const { calls, revert } = counter();
    table.grant('f1', 1000, revert);
    await table.release('f1');
    await table.release('f1');
    assert.equal(calls.n, 1);
    assert.throws(() => table.renew('f1', 1000), /no lease f1/);
  });

  it('attach after expiry reverts at once', async () => {
    const clock = new FakeClock();
    const table = new LeaseTable({ clock });
    table.open('f1', 100);
    clock.advance(100);
    const { calls, revert } = counter();
    assert.equal(await table.attach('f1', revert), false);
    assert.equal(calls.n, 1);
  });

  it('rejects a bad ttl and a duplicate id', () => {
    const table = new LeaseTable({ clock: new FakeClock() });
    assert.throws(() => table.open('a', 0), /leaseMs: expected a positive number/);
    table.open('a', 10);
    assert.throws(() => table.open('a', 10), /already held/);
  });

  it('releaseAll reverts everything and reports failures together', async () => {
    const table = new LeaseTable({ clock: new FakeClock() });
    const a = counter();
    table.grant('a', 1000, a.revert);
    table.grant('b', 1000, async () => { throw new Error('boom'); });
    await assert.rejects(table.releaseAll(), /1 fault\(s\) failed to revert/);
    assert.equal(a.calls.n, 1);
    assert.deepEqual(table.list(), []);
  });
});
