import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staggeredCron } from './platform-api.ts';

describe('staggeredCron', () => {
  const cases: Array<[number, number, string]> = [
    [0, 10, '2-59/10 * * * *'],
    [1, 10, '4-59/10 * * * *'],
    [2, 10, '6-59/10 * * * *'],
    [4, 10, '0-59/10 * * * *'],
    [0, 30, '2-59/30 * * * *'],
    [1, 30, '9-59/30 * * * *'],
  ];
  for (const [index, every, cron] of cases) {
    it(`experiment ${index} every ${every} min: ${cron}`, () => assert.equal(staggeredCron(index, every), cron));
  }
});
