import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTransformations, nodeGraphFrames, rows, tableFrames, type Frame } from './grafana-frames.ts';

const frame = (refId: string | undefined, columns: Record<string, unknown[]>): Frame => ({
  refId,
  fields: Object.entries(columns).map(([name, values]) => ({ name, values })),
});

describe('model of Grafana frames', () => {
  it('names table columns as the Prometheus data source does', () => {
    const one = tableFrames([{ refId: 'A', series: [{ metric: { job: 'x', instance: 'i' }, value: [10, '1.5'] }] }]);
    assert.deepEqual(one[0].fields.map((f) => f.name), ['Time', 'instance', 'job', 'Value']);
    const two = tableFrames([
      { refId: 'A', series: [{ metric: { job: 'x' }, value: [10, '1'] }] },
      { refId: 'B', series: [] },
    ]);
    assert.deepEqual(two.map((f) => f.fields.map((x) => x.name)), [['Time', 'job', 'Value #A'], ['Time', 'Value #B']]);
    assert.deepEqual(rows(two[0]), [{ Time: 10_000, job: 'x', 'Value #A': 1 }]);
  });

  it('merges rows that agree on their shared fields (Grafana\'s documented example)', () => {
    const [merged, ...rest] = applyTransformations([
      frame('A', { Time: [1, 2], Job: ['node', 'postgre'], Uptime: [25260122, 123001233] }),
      frame('B', { Time: [1, 2], Job: ['node', 'postgre'], Errors: [15, 5] }),
    ], [{ id: 'merge' }]);
    assert.equal(rest.length, 0);
    assert.deepEqual(rows(merged), [
      { Time: 1, Job: 'node', Uptime: 25260122, Errors: 15 },
      { Time: 2, Job: 'postgre', Uptime: 123001233, Errors: 5 },
    ]);
  });

  it('leaves rows apart that disagree, with null for the fields they lack', () => {
    const [merged] = applyTransformations([
      frame('A', { Time: [1, 1], id: ['a', 'b'], 'Value #A': [1, 2] }),
      frame('B', { Time: [1], id: ['b'], 'Value #B': [7] }),
    ], [{ id: 'merge' }]);
    assert.deepEqual(rows(merged), [
      { Time: 1, id: 'a', 'Value #A': 1, 'Value #B': null },
      { Time: 1, id: 'b', 'Value #A': 2, 'Value #B': 7 },
    ]);
  });

  it('limits a transformation to the refIds its filter matches, keeping the other frames', () => {
    const frames = [
      frame('n1', { id: ['a'], v1: [1] }),
      frame('n2', { id: ['a'], v2: [2] }),
      frame('e1', { id: ['a->b'], source: ['a'], target: ['b'], w: [3] }),
    ];
    for (const options of ['/^(?:n1|n2)$/', 'n1|n2']) {
      const out = applyTransformations(frames, [{ id: 'merge', filter: { id: 'byRefId', options } }]);
      assert.equal(out.length, 2, options);
      const { nodes, edges } = nodeGraphFrames(out);
      assert.deepEqual(rows(nodes!), [{ id: 'a', v1: 1, v2: 2 }]);
      assert.equal(edges?.refId, 'e1');
    }
  });

  it('organizes: drops and renames fields in every frame', () => {
    const out = applyTransformations(
      [frame('A', { Time: [1], 'Value #A': [2] }), frame('B', { Time: [1], 'Value #B': [3] })],
      [{ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { 'Value #A': 'mainstat', 'Value #B': 'mainstat' } } }],
    );
    assert.deepEqual(out.map((f) => f.fields.map((x) => x.name)), [['mainstat'], ['mainstat']]);
  });

  it('refuses transformations it does not model, rather than passing data through', () => {
    assert.throws(() => applyTransformations([], [{ id: 'joinByField' }]), /no model of the "joinByField"/);
  });
});
