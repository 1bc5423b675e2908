import type { StoredTrace } from './trace-store.ts';

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

/**
 * Service-to-service calls in the stored traces that started within
 * [startMs, endMs]: every span whose parent span (same trace) belongs to
 * another service is one call from the parent's service to the child's.
 */
export function dependencyLinks(traces: Iterable<StoredTrace>, startMs: number, endMs: number): DependencyLink[] {
  const counts = new Map<string, DependencyLink>();
  for (const t of traces) {
    if (t.startMs < startMs || t.startMs > endMs) continue;
    const serviceOf = new Map<string, string>();
    const spans = t.spans.map((s) => ({ span: s.span, service: s.resource.serviceName })); // decoded once
    for (const s of spans) serviceOf.set(s.span.spanId, s.service);
    for (const s of spans) {
      if (s.span.parentSpanId === '') continue;
      const parent = serviceOf.get(s.span.parentSpanId);
      const child = s.service;
      if (parent === undefined || parent === child) continue;
      const key = `${parent}\u0000${child}`;
      const link = counts.get(key);
      if (link) link.callCount++;
      else counts.set(key, { parent, child, callCount: 1 });
    }
  }
  return [...counts.values()].sort((a, b) => (a.parent === b.parent ? (a.child < b.child ? -1 : 1) : a.parent < b.parent ? -1 : 1));
}
