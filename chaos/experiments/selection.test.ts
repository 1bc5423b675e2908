import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom, selectInstances, selectionCount } from './selection.ts';
import type { Selection } from './spec.ts';

const sel = (mode: Selection['mode'], value?: number): Selection => ({ mode, value });

describe('selectionCount', () => {
  const cases: Array<[string, Selection, number, number]> = [
    ['one of 3', sel('one'), 3, 1],
    ['all of 3', sel('all'), 3, 3],
    ['fixed 2 of 3', sel('fixed', 2), 3, 2],
    ['fixed 5 of 3 is capped', sel('fixed', 5), 3, 3],
    ['34% of 3 is 1 (one-third rule)', sel('percent', 34), 3, 1],
    ['50% of 3 rounds down to 1', sel('percent', 50), 3, 1],
    ['67% of 3 rounds down to 2', sel('percent', 67), 3, 2],
    ['10% of 3 rounds down to 0', sel('percent', 10), 3, 0],
    ['100% of 7', sel('percent', 100), 7, 7],
    ['one of 0', sel('one'), 0, 0],
  ];
  for (const [name, s, available, expected] of cases) {
    it(name, () => assert.equal(selectionCount(s, available, () => 0.5), expected));
  }

  it('random-max-percent stays within [1, floor(P%)] and reaches both ends', () => {
    const seen = new Set<number>();
    const random = seededRandom(7);
    for (let i = 0; i < 500; i++) seen.add(selectionCount(sel('random-max-percent', 50), 10, random));
    assert.deepEqual([...seen].sort((a, b) => a - b), [1, 2, 3, 4, 5]);
  });

  it('a progressive step overrides the mode with a percentage', () => {
    assert.equal(selectionCount(sel('one'), 10, () => 0, 20), 2);
  });
});

describe('selectInstances', () => {
  it('is deterministic for a seed and never repeats an instance', () => {
    const names = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5'];
    const first = selectInstances(names, sel('fixed', 3), seededRandom(42));
    const again = selectInstances(names, sel('fixed', 3), seededRandom(42));
    assert.deepEqual(first, again);
    assert.equal(new Set(first).size, 3);
  });

  it('refuses a selection that rounds down to nothing, saying why', () => {
    assert.throws(() => selectInstances(['a', 'b', 'c'], sel('percent', 10), Math.random), /10 of 3 instance\(s\) rounds down to none/);
  });
});
