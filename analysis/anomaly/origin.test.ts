import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankOrigins, type ConcurrentAnomaly } from './origin.ts';

// frontend -> checkout -> payments -> db ; frontend -> search
const edges = [
  { client: 'frontend', server: 'checkout' },
  { client: 'checkout', server: 'payments' },
  { client: 'payments', server: 'db' },
  { client: 'frontend', server: 'search' },
];

function latency(service: string, excessMs: number): ConcurrentAnomaly {
  return { service, signal: 'latency_p99_ms', peakScore: 0.9, expected: 50, observed: 50 + excessMs };
}

describe('rankOrigins', () => {
  it('puts the deepest anomalous dependency whose latency explains the caller first', () => {
    const anomalies = [latency('frontend', 320), latency('checkout', 310), latency('payments', 300)];
    const ranked = rankOrigins('frontend', 'latency_p99_ms', anomalies, edges);
    assert.deepEqual(ranked.map((r) => r.service), ['payments', 'checkout', 'frontend']);
    assert.match(ranked[0].reason, /deepest anomalous service/);
    assert.match(ranked[0].reason, /explains 320 ms here/);
  });

  it('is the service itself when nothing it calls is anomalous', () => {
    const ranked = rankOrigins('checkout', 'latency_p99_ms', [latency('checkout', 200), latency('search', 500)], edges);
    assert.deepEqual(ranked.map((r) => r.service), ['checkout']);
    assert.match(ranked[0].reason, /no anomalous dependency/);
  });

  it('ignores anomalies off the call path and survives cycles', () => {
    const cyclic = [...edges, { client: 'db', server: 'checkout' }];
    const ranked = rankOrigins('checkout', 'error_ratio', [{ service: 'search', signal: 'error_ratio', peakScore: 0.8, expected: 0, observed: 0.5 }, { service: 'db', signal: 'error_ratio', peakScore: 0.8, expected: 0, observed: 0.4 }], cyclic);
    assert.deepEqual(ranked.map((r) => r.service), ['db', 'checkout']);
  });
});
