import { HttpError } from '../../platform/errors.ts';
import { RED_SIGNALS, type SeriesFilter } from '../series/series-key.ts';
import { USE_SIGNALS } from '../use/use-signals.ts';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIGNAL = /^[a-z][a-z0-9_]*$/;
/** Every signal the series store holds: RED per service, operation and edge; USE per instance. */
const KNOWN_SIGNALS: readonly string[] = [...RED_SIGNALS, ...Object.keys(USE_SIGNALS)];
/** How far back /api/v1/series reaches when `since` is not given. */
export const DEFAULT_SERIES_LOOKBACK_MS = 3_600_000;

/**
 * `since` as Unix milliseconds, or as a lookback before `nowMs` such as
 * `90s`, `15m` or `6h`.
 */
export function parseSince(raw: string | undefined, nowMs: number): number {
  if (raw === undefined || raw === '') return nowMs - DEFAULT_SERIES_LOOKBACK_MS;
  if (/^\d+$/.test(raw)) return Number(raw);
  const m = DURATION.exec(raw);
  if (!m) throw new HttpError(400, `since: expected Unix milliseconds or a duration such as 15m or 6h, got "${raw}"`);
  return nowMs - Number(m[1]) * UNIT_MS[m[2]];
}

/** The series filter from query parameters; `service` is required. */
export function parseSeriesFilter(query: Record<string, string | undefined>): SeriesFilter {
  const { service, signal, operation, instance, client, server } = query;
  if (!service) throw new HttpError(400, 'service: required (the service whose series to return)');
  const filter: SeriesFilter = { service };
  if (signal !== undefined && signal !== '') {
    if (!SIGNAL.test(signal)) throw new HttpError(400, `signal: expected a name such as rate_rps or latency_p99_ms, got "${signal}"`);
    if (!KNOWN_SIGNALS.includes(signal)) throw new HttpError(400, `signal: unknown "${signal}", expected one of ${KNOWN_SIGNALS.join(', ')}`);
    filter.signal = signal;
  }
  if (operation !== undefined && operation !== '') filter.operation = operation;
  if (instance !== undefined && instance !== '') filter.instance = instance;
  if ((client === undefined) !== (server === undefined)) throw new HttpError(400, 'client and server: give both to select an edge, or neither');
  if (client !== undefined && server !== undefined) filter.edge = { client, server };
  return filter;
}
