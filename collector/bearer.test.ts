import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerMatcher } from './bearer.ts';

describe('bearerMatcher', () => {
  it('is undefined when no token is configured (no check at all)', () => {
    assert.equal(bearerMatcher(undefined), undefined);
  });
  const match = bearerMatcher('s3cret')!;
  const cases: Array<[unknown, boolean]> = [
    ['Bearer s3cret', true],
    ['Bearer s3cres', false],
    ['Bearer s3cret ', false],
    ['bearer s3cret', true],
    ['BEARER s3cret', true],
    ['Bearer S3cret', false],
    ['Basic s3cret', false],
    ['s3cret', false],
    ['', false],
    [undefined, false],
    [['Bearer s3cret'], false],
  ];
  for (const [given, expected] of cases) {
    it(`${JSON.stringify(given)} -> ${expected}`, () => assert.equal(match(given), expected));
  }
});
