import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlatformContext } from '../platform/part.ts';
import { partFactories } from '../platform/parts.ts';

// The collector feeds ctx.consumers, which the other parts fill while they
// start; it must start last (and so stop first, draining into them).
describe('platform/parts.ts', () => {
  it('lists the collector last', () => {
    const last = partFactories[partFactories.length - 1]!;
    assert.equal(last({} as PlatformContext).name, 'collector');
  });
});
