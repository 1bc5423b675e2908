// What a series is about. RED series exist per service, per operation
// (service + span name) and per edge (client -> server); USE series per
// service instance. Edge series carry the client as `service`.
export interface SeriesKey {
  service: string;
  /** A RED signal (see RED_SIGNALS) or a USE signal. */
  signal: string;
  operation?: string;
  edge?: { client: string; server: string };
  instance?: string;
}

/** A filter on series keys: every field given must match, absent fields match anything. */
export type SeriesFilter = Partial<SeriesKey>;

export const RED_SIGNALS = ['rate_rps', 'error_ratio', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms'] as const;
export type RedSignal = (typeof RED_SIGNALS)[number];

/** The RED latency signals and the quantile each one is. */
export const LATENCY_QUANTILES: ReadonlyArray<[RedSignal, number]> = [
  ['latency_p50_ms', 0.5],
  ['latency_p95_ms', 0.95],
  ['latency_p99_ms', 0.99],
];

// Absent fields are encoded with a byte no name contains, so '' and absent differ.
const ABSENT = '\u0000';
const SEP = '\u001f';

/** A stable string identity for a key. */
export function seriesId(key: SeriesKey): string {
  return [
    key.service,
    key.signal,
    key.operation ?? ABSENT,
    key.edge ? key.edge.client : ABSENT,
    key.edge ? key.edge.server : ABSENT,
    key.instance ?? ABSENT,
  ].join(SEP);
}

export function matchesFilter(key: SeriesKey, filter: SeriesFilter): boolean {
  if (filter.service !== undefined && key.service !== filter.service) return false;
  if (filter.signal !== undefined && key.signal !== filter.signal) return false;
  if (filter.operation !== undefined && key.operation !== filter.operation) return false;
  if (filter.instance !== undefined && key.instance !== filter.instance) return false;
  if (filter.edge !== undefined) {
    if (!key.edge || key.edge.client !== filter.edge.client || key.edge.server !== filter.edge.server) return false;
  }
  return true;
}
