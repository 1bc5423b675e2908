import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyWindow } from './latency-window.ts';

describe('LatencyWindow', () => {
  it('summarises the last window only', () => {
    const w = new LatencyWindow(10_000);
    for (let i = 1; i <= 100; i++) w.add(1000 + i, i, i % 10 !== 0);
    const s = w.summary(10_500);
    assert.equal(s.count, 100);
    assert.equal(s.rateRps, 10);
    assert.equal(s.errorRatio, 0.1);
    assert.equal(s.p50Ms, 51);
    assert.equal(s.p99Ms, 100);
    w.add(20_000, 1000, false);
    const later = w.summary(20_500);
    assert.equal(later.count, 1);
    assert.equal(later.p99Ms, 1000);
  });
  it('a window not yet full divides by the time since the start', () => {
    const w = new LatencyWindow(10_000);
    for (let i = 0; i < 20; i++) w.add(i * 100, 5, true);
    assert.equal(w.summary(2000, 0).rateRps, 10);
    assert.equal(w.summary(2000).rateRps, 2);
  });
  it('an empty window reads zero', () => {
    assert.deepEqual(new LatencyWindow(1000).summary(5), { rateRps: 0, errorRatio: 0, p50Ms: 0, p99Ms: 0, count: 0 });
  });
});
