import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleLatencyMs } from './latency.ts';

/** A seeded generator (mulberry32) so the check is deterministic. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sampleLatencyMs', () => {
  const cases = [
    { p50: 5, p99: 20 },
    { p50: 20, p99: 80 },
    { p50: 3, p99: 3 },
    { p50: 0.5, p99: 3 },
  ];
  for (const c of cases) {
    it(`matches p50 ${c.p50} and p99 ${c.p99} within 10%`, () => {
      const random = seeded(42);
      const samples = Array.from({ length: 50_000 }, () => sampleLatencyMs(c, random)).sort((a, b) => a - b);
      const p50 = samples[Math.floor(samples.length * 0.5)];
      const p99 = samples[Math.floor(samples.length * 0.99)];
      assert.ok(Math.abs(p50 - c.p50) <= c.p50 * 0.1, `p50 ${p50}`);
      assert.ok(Math.abs(p99 - c.p99) <= c.p99 * 0.1, `p99 ${p99}`);
    });
  }
  it('zero latency stays zero', () => {
    assert.equal(sampleLatencyMs({ p50: 0, p99: 0 }), 0);
  });
});
