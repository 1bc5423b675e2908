import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyIndex } from './key-index.ts';

describe('KeyIndex', () => {
  it('keeps values apart by both strings and the slot, including strings a joined key would confuse', () => {
    const index = new KeyIndex<string>();
    const cases: Array<[string, string, number]> = [['a', 'b', 0], ['a', 'b', 2], ['a\u001fb', '', 0], ['a', '\u001fb', 0], ['', '', 1]];
    for (const [first, second, slot] of cases) index.set(first, second, slot, `${JSON.stringify(first)}/${JSON.stringify(second)}/${slot}`);
    for (const [first, second, slot] of cases) assert.equal(index.get(first, second, slot), `${JSON.stringify(first)}/${JSON.stringify(second)}/${slot}`);
    assert.equal(index.get('a', 'b', 1), undefined);
    assert.equal(index.get('a', 'c', 0), undefined);
  });

  it('forgets deleted values and leaves the others', () => {
    const index = new KeyIndex<number>();
    index.set('s', 'op', 0, 1);
    index.set('s', 'op', 3, 2);
    index.delete('s', 'op', 0);
    assert.equal(index.get('s', 'op', 0), undefined);
    assert.equal(index.get('s', 'op', 3), 2);
    index.delete('s', 'op', 3);
    index.delete('s', 'missing', 0);
    assert.equal(index.get('s', 'op', 3), undefined);
    index.set('s', 'op', 3, 4);
    assert.equal(index.get('s', 'op', 3), 4);
  });
});
