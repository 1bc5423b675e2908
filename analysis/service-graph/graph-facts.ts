// Facts about a directed graph that operators ask for: which services call
// each other in a cycle, which are depended on most, and how wide each
// service fans out.

export interface GraphFacts {
  /** Strongly connected components with more than one node or a self-call, each sorted. */
  cycles: string[][];
  /** Nodes by number of distinct callers, most first (ties by name). */
  mostDependedOn: Array<{ node: string; callers: number }>;
  /** Distinct callees per node that calls anything, widest first (ties by name). */
  fanOut: Array<{ node: string; callees: number }>;
}

export function graphFacts(edges: ReadonlyArray<{ client: string; server: string }>): GraphFacts {
  const out = new Map<string, Set<string>>();
  const callers = new Map<string, Set<string>>();
  for (const { client, server } of edges) {
    if (!out.has(client)) out.set(client, new Set());
    if (!out.has(server)) out.set(server, new Set());
    out.get(client)!.add(server);
    if (!callers.has(server)) callers.set(server, new Set());
    callers.get(server)!.add(client);
  }
  const cycles = stronglyConnectedComponents(out)
    .filter((c) => c.length > 1 || out.get(c[0])!.has(c[0]))
    .map((c) => c.sort())
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const byCountThenName = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const mostDependedOn = [...callers].map(([n, s]): [string, number] => [n, s.size]).sort(byCountThenName)
    .map(([node, count]) => ({ node, callers: count }));
  const fanOut = [...out].filter(([, s]) => s.size > 0).map(([n, s]): [string, number] => [n, s.size]).sort(byCountThenName)
    .map(([node, count]) => ({ node, callees: count }));
  return { cycles, mostDependedOn, fanOut };
}

/** Tarjan's algorithm, iterative so deep graphs cannot overflow the stack. */
export function stronglyConnectedComponents(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    // Each frame is a node and the iterator over its successors.
    const frames: Array<[string, Iterator<string>]> = [];
    const visit = (v: string) => {
      index.set(v, next);
      low.set(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      frames.push([v, (graph.get(v) ?? new Set<string>()).values()]);
    };
    visit(root);
    while (frames.length > 0) {
      const [v, it] = frames[frames.length - 1];
      const step = it.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}
