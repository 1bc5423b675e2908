import assert from 'node:assert/strict';
import { it } from 'node:test';
import { graphFacts, stronglyConnectedComponents } from './graph-facts.ts';

const e = (client: string, server: string) => ({ client, server });

it('graphFacts: cycles, most depended-on and fan-out of a small graph', () => {
  const facts = graphFacts([
    e('user', 'web'), e('web', 'cart'), e('web', 'auth'), e('cart', 'auth'),
    e('cart', 'pricing'), e('pricing', 'cart'), // a 2-cycle
    e('auth', 'auth'), // a self-call
    e('a', 'b'), e('b', 'c'), e('c', 'a'), // a 3-cycle
  ]);
  assert.deepEqual(facts.cycles, [['a', 'b', 'c'], ['auth'], ['cart', 'pricing']]);
  assert.deepEqual(facts.mostDependedOn.slice(0, 2), [{ node: 'auth', callers: 3 }, { node: 'cart', callers: 2 }]);
  assert.deepEqual(facts.fanOut.slice(0, 2), [{ node: 'cart', callees: 2 }, { node: 'web', callees: 2 }]);
  assert.equal(facts.fanOut.find((f) => f.node === 'user')!.callees, 1);
});

it('graphFacts: an acyclic graph has no cycles', () => {
  assert.deepEqual(graphFacts([e('a', 'b'), e('b', 'c'), e('a', 'c')]).cycles, []);
});

it('stronglyConnectedComponents: a long chain does not overflow the stack', () => {
  const graph = new Map<string, Set<string>>();
  const n = 100_000;
  for (let i = 0; i < n; i++) graph.set(`s${i}`, new Set(i + 1 < n ? [`s${i + 1}`] : ['s0']));
  const sccs = stronglyConnectedComponents(graph);
  assert.equal(sccs.length, 1);
  assert.equal(sccs[0].length, n);
});
