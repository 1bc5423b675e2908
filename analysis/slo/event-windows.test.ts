import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventWindows } from './event-windows.ts';

const H = 3_600_000;
const D = 24 * H;

describe('EventWindows', () => {
  it('sums fine-grained windows exactly and forgets what left the window', () => {
    const w = new EventWindows(30 * D);
    const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 10_000);
    for (let i = 0; i < 60; i++) w.add(t0 + i * 10_000 + 1, i < 30 ? 1 : 0, 10); // 10 minutes, 5 bad minutes first
    const now = t0 + 600_000;
    assert.deepEqual(w.counts(now, 300_000), { bad: 0, total: 300 });
    assert.deepEqual(w.counts(now, 600_000), { bad: 30, total: 600 });
    assert.deepEqual(w.counts(now, H), { bad: 30, total: 600 });
    assert.deepEqual(w.counts(now + 10 * 60_000, 300_000), { bad: 0, total: 0 });
  });

  it('uses coarse buckets beyond 6 h and stays exact for steady traffic', () => {
    const w = new EventWindows(30 * D);
    const start = 1_700_000_000_000 - (1_700_000_000_000 % 300_000);
    const steps = (3 * D) / 10_000;
    for (let i = 0; i < steps; i++) w.add(start + i * 10_000 + 1, 1, 100);
    const now = start + 3 * D;
    for (const windowMs of [H, 6 * H, D, 3 * D]) {
      const c = w.counts(now, windowMs);
      assert.ok(Math.abs(c.total - windowMs / 100) < 1e-6, `total over ${windowMs}: ${c.total}`);
      assert.ok(Math.abs(c.bad - windowMs / 10_000) < 1e-6, `bad over ${windowMs}: ${c.bad}`);
    }
    // Half of the 30 d window had traffic.
    assert.ok(Math.abs(w.counts(now, 30 * D).total - 3 * D / 100) < 1e-6);
  });

  it('memory is bounded: old buckets are overwritten, late events dropped', () => {
    const w = new EventWindows(D, H);
    const t = 1_700_000_000_000;
    w.add(t, 5, 5);
    w.add(t + 2 * D, 0, 1);
    w.add(t, 5, 5); // older than the ring holds: ignored
    assert.deepEqual(w.counts(t + 2 * D + 1, D), { bad: 0, total: 1 });
  });

  it('checkpoint changes: everything first, then only changed buckets and evictions; restore round-trips', () => {
    const a = new EventWindows(30 * D);
    const t = 1_700_000_000_000;
    for (let i = 0; i < 5000; i++) a.add(t + i * 7_000, i % 7 === 0 ? 1 : 0, 1);
    const stored = new Map<string, string>();
    const apply = (c: { full: boolean; set: string[]; del: string[] }) => {
      if (c.full) stored.clear();
      for (let i = 0; i < c.set.length; i += 2) stored.set(c.set[i], c.set[i + 1]);
      for (const f of c.del) stored.delete(f);
    };
    const first = a.takeChanges();
    assert.equal(first.full, true);
    apply(first);
    // 30 more seconds: at most 4 fine and 2 coarse buckets change, and old fine buckets leave the 6 h ring.
    for (let i = 5000; i < 5005; i++) a.add(t + i * 7_000, 1, 1);
    const next = a.takeChanges();
    assert.equal(next.full, false);
    assert.ok(next.set.length / 2 <= 6, `changed ${next.set.length / 2}`);
    assert.ok(next.del.length >= 1 && next.del.every((f) => f.startsWith('f')));
    apply(next);
    assert.deepEqual(a.takeChanges(), { full: false, set: [], del: [] });

    const b = new EventWindows(30 * D);
    b.restoreFields(Object.fromEntries(stored));
    const now = t + 5005 * 7_000;
    for (const windowMs of [300_000, H, 6 * H, D, 3 * D]) assert.deepEqual(b.counts(now, windowMs), a.counts(now, windowMs));
    // Restored buckets are already stored: nothing to write.
    assert.deepEqual(b.takeChanges(), { full: false, set: [], del: [] });
  });
});
