import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorEvidence, poissonUpperTail } from './count-gate.ts';

describe('count gate', () => {
  it('Poisson upper tails', () => {
    const cases: Array<[number, number, number]> = [
      [0, 2, 1],
      [1, 0.5, 1 - Math.exp(-0.5)],
      [4, 0.6, 1 - Math.exp(-0.6) * (1 + 0.6 + 0.18 + 0.036)],
      [3, 3, 1 - Math.exp(-3) * (1 + 3 + 4.5)],
    ];
    for (const [k, lambda, want] of cases) assert.ok(Math.abs(poissonUpperTail(k, lambda) - want) < 1e-12, `P(X >= ${k} | ${lambda})`);
    assert.equal(poissonUpperTail(100, 1), 0);
    // Large expected counts (exp(-1000) underflows): the tail one standard deviation up is about 16%.
    const oneSd = poissonUpperTail(1032, 1000);
    assert.ok(oneSd > 0.14 && oneSd < 0.18, `P(X >= 1032 | 1000) = ${oneSd}`);
    assert.ok(poissonUpperTail(1200, 1000) < 1e-8);
    assert.ok(Math.abs(poissonUpperTail(990, 1000) - (1 - poissonUpperTail(1011, 1000))) < 0.02);
  });

  it('a few errors at a low error rate are not significant; a real spike is overwhelming', () => {
    const cases: Array<[string, number, number, number, string]> = [
      // 1 in 300 fails: 4 errors in 200 requests (2%) happen about once in 300 steps.
      ['2% at 1 in 300', 0.02, 200, 1 / 300, 'insignificant'],
      ['6 errors at 1 in 300', 0.03, 200, 1 / 300, 'significant'],
      ['20% at 1 in 300', 0.2, 200, 1 / 300, 'overwhelming'],
      // A service that never failed: one error is no surprise, ten are.
      ['one error, never failed', 1 / 200, 200, 0, 'insignificant'],
      ['ten errors, never failed', 10 / 200, 200, 0, 'overwhelming'],
      // Few requests: 1 of 2 failing is 50%, but only one error; 5 of 5 is not yet overwhelming.
      ['1 of 2', 0.5, 2, 0.01, 'insignificant'],
      ['5 of 5', 1, 5, 0, 'significant'],
      // Busy services: 10% of 10,000 is 1,000 expected; 1,050 is noise, 1,400 is an incident.
      ['1050 of 10k at 10%', 0.105, 10_000, 0.1, 'insignificant'],
      ['1400 of 10k at 10%', 0.14, 10_000, 0.1, 'overwhelming'],
    ];
    for (const [name, ratio, requests, expected, want] of cases) assert.equal(errorEvidence(ratio, requests, expected), want, name);
  });
});
