// "Where it started": when several services along a call path are anomalous
// at once, the likeliest origin is usually the deepest anomalous dependency,
// all the more when its own latency excess accounts for its callers'.
// Pure function over the service graph's edges and the anomalies in flight.

export interface ConcurrentAnomaly {
  service: string;
  signal: string;
  peakScore: number;
  expected: number;
  observed: number;
}

export interface OriginCandidate {
  service: string;
  /** Higher is likelier; only the order matters. */
  rank: number;
  reason: string;
}

export interface GraphEdge {
  client: string;
  server: string;
}

const LATENCY = /^latency_/;
const MAX_DEPTH = 32;

function latencyExcessMs(anomalies: ConcurrentAnomaly[], service: string): number {
  let excess = 0;
  for (const a of anomalies) {
    if (a.service === service && LATENCY.test(a.signal)) excess = Math.max(excess, a.observed - a.expected);
  }
  return excess;
}

/**
 * Ranks origin candidates for an anomaly on `service`: the service itself and
 * every anomalous service it (transitively) calls, best first.
 */
export function rankOrigins(service: string, signal: string, anomalies: ConcurrentAnomaly[], edges: GraphEdge[]): OriginCandidate[] {
  const anomalous = new Map<string, number>();
  for (const a of anomalies) anomalous.set(a.service, Math.max(anomalous.get(a.service) ?? 0, a.peakScore));
  const calls = new Map<string, string[]>();
  for (const e of edges) {
    if (e.client === e.server) continue;
    const list = calls.get(e.client);
    if (list) list.push(e.server);
    else calls.set(e.client, [e.server]);
  }
  // Breadth-first from the service: depth of every service it reaches.
  const depth = new Map<string, number>([[service, 0]]);
  const queue = [service];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q];
    const d = depth.get(s)!;
    if (d >= MAX_DEPTH) continue;
    for (const next of calls.get(s) ?? []) {
      if (depth.has(next)) continue;
      depth.set(next, d + 1);
      queue.push(next);
    }
  }
  const reachesAnomalous = (from: string): boolean => {
    const seen = new Set<string>([from]);
    const stack = [...(calls.get(from) ?? [])];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (anomalous.has(s)) return true;
      stack.push(...(calls.get(s) ?? []));
    }
    return false;
  };
  const ownExcess = LATENCY.test(signal) ? latencyExcessMs(anomalies, service) : 0;
  const out: OriginCandidate[] = [];
  for (const [s, d] of depth) {
    if (s !== service && !anomalous.has(s)) continue;
    const deepest = !reachesAnomalous(s);
    const excess = latencyExcessMs(anomalies, s);
    const explains = ownExcess > 0 && excess >= 0.5 * ownExcess;
    const reasons: string[] = [];
    if (s === service) reasons.push(deepest ? 'no anomalous dependency' : 'itself anomalous');
    else reasons.push(`anomalous dependency ${d} hop${d === 1 ? '' : 's'} down`);
    if (deepest && s !== service) reasons.push('deepest anomalous service on the path');
    if (explains && s !== service) reasons.push(`its latency excess (${Math.round(excess)} ms) explains ${Math.round(ownExcess)} ms here`);
    const rank = (deepest ? 100 : 0) + (explains && s !== service ? 50 : 0) + d + (anomalous.get(s) ?? 0);
    out.push({ service: s, rank, reason: reasons.join('; ') });
  }
  return out.sort((a, b) => b.rank - a.rank || a.service.localeCompare(b.service));
}
