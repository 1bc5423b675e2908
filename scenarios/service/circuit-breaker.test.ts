import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.ts';

describe('CircuitBreaker', () => {
  it('opens after the threshold, fails fast, then lets one trial through', () => {
    let nowMs = 0;
    const cb = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => nowMs });
    for (let i = 0; i < 2; i++) {
      assert.ok(cb.allow());
      cb.failure();
    }
    assert.equal(cb.state, 'closed');
    assert.ok(cb.allow());
    cb.failure();
    assert.equal(cb.state, 'open');
    assert.equal(cb.allow(), false);
    nowMs = 999;
    assert.equal(cb.allow(), false);
    nowMs = 1000;
    assert.equal(cb.state, 'half-open');
    assert.ok(cb.allow(), 'one trial');
    assert.equal(cb.allow(), false, 'only one trial at a time');
    cb.failure();
    assert.equal(cb.state, 'open', 'a failed trial opens again');
    nowMs = 2000;
    assert.ok(cb.allow());
    cb.success();
    assert.equal(cb.state, 'closed');
    assert.ok(cb.allow());
  });

  it('a success resets the count of consecutive failures', () => {
    const cb = new CircuitBreaker({ failureThreshold: 2, openMs: 1000, now: () => 0 });
    cb.failure();
    cb.success();
    cb.failure();
    assert.equal(cb.state, 'closed');
  });
});
