import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetInstance } from './executor.ts';
import { parseExperiment } from './spec.ts';
import { resolveTargets } from './targets.ts';

const fleet: TargetInstance[] = [
  ...['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-6'].map((name, i) => ({ name, service: 'b', agent: 'x', labels: { zone: i < 3 ? 'east' : 'west' } })),
  { name: 'a-1', service: 'a', agent: 'x', labels: {} },
];
const exp = (name: string, targets: Record<string, unknown>) => parseExperiment({
  apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name }, spec: { targets, fault: { type: 'kill' }, duration: '1m' },
});

describe('resolveTargets', () => {
  const cases: Array<[string, Record<string, unknown>, { eligible: number; ordered: number; stepCounts: number[] }]> = [
    ['one of the service', { service: 'b' }, { eligible: 6, ordered: 1, stepCounts: [1] }],
    ['percent of the instances the filters leave', { service: 'b', labels: { zone: 'east' }, selection: { mode: 'percent', value: 67 } }, { eligible: 3, ordered: 2, stepCounts: [2] }],
    ['named instances', { service: 'b', instances: ['b-2', 'b-5'], selection: { mode: 'all' } }, { eligible: 2, ordered: 2, stepCounts: [2] }],
    ['progressive steps, rounded down', { service: 'b', selection: { steps: [17, 34, 50] } }, { eligible: 6, ordered: 3, stepCounts: [1, 2, 3] }],
  ];
  for (const [name, targets, want] of cases) {
    it(name, () => {
      const r = resolveTargets(exp('e', targets), fleet);
      assert.equal(r.serviceInstances, 6, 'the governor counts against the whole service, not the filtered set');
      assert.deepEqual({ eligible: r.eligible.length, ordered: r.ordered.length, stepCounts: r.stepCounts }, want);
      assert.ok(r.ordered.every((i) => r.eligible.includes(i)));
    });
  }

  it('is the same list for the same name and fleet (dry run, then run), whatever order the agents list it in', () => {
    const first = resolveTargets(exp('same', { service: 'b', selection: { mode: 'fixed', value: 3 } }), fleet).ordered.map((i) => i.name);
    const again = resolveTargets(exp('same', { service: 'b', selection: { mode: 'fixed', value: 3 } }), [...fleet].reverse()).ordered.map((i) => i.name);
    assert.deepEqual(again, first);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown service', { service: 'c' }, /spec\.targets\.service: no agent advertises an instance of c/],
    ['an unknown instance', { service: 'b', instances: ['b-1', 'b-9'] }, /spec\.targets\.instances: unknown instance\(s\) b-9 of b/],
    ['a selection that rounds to none', { service: 'a', selection: { mode: 'percent', value: 50 } }, /spec\.targets\.selection: percent 50 of 1 instance\(s\) rounds down to none/],
  ];
  for (const [name, targets, message] of bad) {
    it(`refuses ${name}, naming the key`, () => assert.throws(() => resolveTargets(exp('e', targets), fleet), message));
  }
});
