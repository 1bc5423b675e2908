import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartDelayMs } from './backoff.ts';

describe('restartDelayMs', () => {
  const options = { initialBackoffMs: 1000, maxBackoffMs: 30_000 };
  const cases: Array<[number, number]> = [[1, 1000], [2, 2000], [3, 4000], [5, 16_000], [6, 30_000], [100, 30_000], [0, 1000]];
  for (const [crashes, expected] of cases) {
    it(`crash ${crashes} waits ${expected} ms`, () => assert.equal(restartDelayMs(crashes, options), expected));
  }
});
