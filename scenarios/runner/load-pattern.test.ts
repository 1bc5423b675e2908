import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadSpec } from '../spec/schema.ts';
import { rateAt } from './load-pattern.ts';

function load(pattern: LoadSpec['pattern']): LoadSpec {
  return {
    service: 'frontend', operation: '/', rps: 100, pattern,
    diurnal: { periodS: 600, minFactor: 0.2 },
    spike: { everyS: 60, durationS: 10, factor: 5 },
  };
}

describe('rateAt', () => {
  const cases: Array<[LoadSpec['pattern'], number, number]> = [
    ['constant', 0, 100],
    ['constant', 3_600_000, 100],
    ['diurnal', 0, 20],
    ['diurnal', 150_000, 60],
    ['diurnal', 300_000, 100],
    ['diurnal', 600_000, 20],
    ['spike', 0, 100],
    ['spike', 5_000, 100],
    ['spike', 60_000, 500],
    ['spike', 69_999, 500],
    ['spike', 70_000, 100],
    ['spike', 125_000, 500],
  ];
  for (const [pattern, elapsedMs, expected] of cases) {
    it(`${pattern} at ${elapsedMs / 1000} s is ${expected} rps`, () => {
      assert.ok(Math.abs(rateAt(load(pattern), elapsedMs) - expected) < 1e-9);
    });
  }
});
