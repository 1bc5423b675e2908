import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EdgeStore, type PendingEdge } from './edge-store.ts';

function setup(maxItems = 10) {
  const clock = { nowMs: 1000 };
  const completed: PendingEdge[] = [];
  const expired: PendingEdge[] = [];
  const store = new EdgeStore({ ttlMs: 100, maxItems, now: () => clock.nowMs, onComplete: (e) => completed.push(e), onExpire: (e) => expired.push(e) });
  return { clock, store, completed, expired };
}

describe('EdgeStore', () => {
  it('completes an edge when both halves are set, in either order, and forgets it', () => {
    const { store, completed } = setup();
    assert.equal(store.upsert('k1', 't1', (e) => { e.clientService = 'a'; }), 'added');
    assert.equal(store.upsert('k1', 't1', (e) => { e.serverService = 'b'; }), 'updated');
    assert.equal(store.upsert('k2', 't2', (e) => { e.serverService = 'b'; }), 'added');
    store.upsert('k2', 't2', (e) => { e.clientService = 'a'; });
    assert.deepEqual(completed.map((e) => [e.traceId, e.clientService, e.serverService]), [['t1', 'a', 'b'], ['t2', 'a', 'b']]);
    assert.equal(store.size, 0);
  });

  it('expires halves whose TTL ended, oldest first, and keeps the rest', () => {
    const { clock, store, expired } = setup();
    store.upsert('k1', 't1', (e) => { e.clientService = 'a'; });
    clock.nowMs += 50;
    store.upsert('k2', 't2', (e) => { e.clientService = 'a'; });
    clock.nowMs += 49;
    assert.equal(store.expire(), 0);
    clock.nowMs += 1;
    assert.equal(store.expire(), 1);
    assert.deepEqual(expired.map((e) => e.traceId), ['t1']);
    clock.nowMs += 50;
    assert.equal(store.expire(), 1);
    assert.equal(store.size, 0);
  });

  it('refuses new halves when full but still completes waiting ones', () => {
    const { store, completed } = setup(1);
    store.upsert('k1', 't1', (e) => { e.clientService = 'a'; });
    assert.equal(store.upsert('k2', 't2', (e) => { e.clientService = 'a'; }), 'full');
    assert.equal(store.upsert('k1', 't1', (e) => { e.serverService = 'b'; }), 'updated');
    assert.equal(completed.length, 1);
  });

  it('keeps edges of different traces that share a key apart, and completes and expires each', () => {
    const { clock, store, completed, expired } = setup();
    store.upsert('k1', 't1', (e) => { e.clientService = 'a'; });
    clock.nowMs += 10;
    assert.equal(store.upsert('k1', 't2', (e) => { e.clientService = 'c'; }), 'added');
    assert.equal(store.size, 2);
    store.upsert('k1', 't2', (e) => { e.serverService = 'd'; });
    store.upsert('k1', 't1', (e) => { e.serverService = 'b'; });
    assert.deepEqual(completed.map((e) => [e.traceId, e.clientService, e.serverService]), [['t2', 'c', 'd'], ['t1', 'a', 'b']]);
    store.upsert('k2', 't1', (e) => { e.clientService = 'a'; });
    store.upsert('k2', 't3', (e) => { e.clientService = 'a'; });
    // The first edge under k2 leaves; the colliding one is still found by its own trace.
    store.upsert('k2', 't1', (e) => { e.serverService = 'b'; });
    assert.equal(store.upsert('k2', 't3', (e) => { e.peer = 'x'; }), 'updated');
    clock.nowMs += 100;
    assert.equal(store.expire(), 1);
    assert.deepEqual(expired.map((e) => [e.traceId, e.peer]), [['t3', 'x']]);
    assert.equal(store.size, 0);
  });
});
