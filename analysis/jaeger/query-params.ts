import { HttpError } from '../../platform/errors.ts';
import type { TraceQuery } from '../traces/trace-query.ts';
import { parseDurationUs } from './duration.ts';

// Query parameters of Jaeger's HTTP API (cmd/query/app/query_parser.go),
// turned into queries or a 400 that names the parameter.

export type Params = (name: string) => string[];

const SPAN_KINDS = new Set(['', 'server', 'client', 'producer', 'consumer', 'internal', 'unspecified']);

export function one(params: Params, name: string): string | undefined {
  const v = params(name);
  return v.length > 0 && v[0] !== '' ? v[0] : undefined;
}

export function integer(params: Params, name: string): number | undefined {
  const raw = one(params, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new HttpError(400, `unable to parse param '${name}': "${raw}" is not an integer`);
  return Number(raw);
}

export function duration(params: Params, name: string, allowDays = false): number | undefined {
  const raw = one(params, name);
  if (raw === undefined) return undefined;
  const us = parseDurationUs(raw, allowDays);
  if (us === undefined) throw new HttpError(400, `unable to parse param '${name}': "${raw}" is not a duration such as 1.2s or 100ms`);
  return us;
}

/** logfmt `k=v k2="v w"` (what Grafana's tag field holds) into a map. */
export function parseLogfmt(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([^\s=]+)(?:=(?:"((?:[^"\\]|\\.)*)"|(\S*)))?/y;
  const end = text.trimEnd().length;
  let pos = 0;
  while (pos < end) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) break;
    out[m[1]] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    pos = re.lastIndex;
  }
  if (pos < end) throw new HttpError(400, `malformed 'tags' parameter: cannot read "${text}" as JSON or logfmt`);
  return out;
}

export function parseTags(params: Params): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of params('tag')) {
    const colon = tag.indexOf(':');
    if (colon <= 0) throw new HttpError(400, `malformed 'tag' parameter, expecting key:value, received: ${tag}`);
    tags[tag.slice(0, colon)] = tag.slice(colon + 1);
  }
  for (const raw of params('tags')) {
    const text = raw.trim();
    if (text === '') continue;
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new HttpError(400, `malformed 'tags' parameter, cannot unmarshal JSON: ${(err as Error).message}`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new HttpError(400, `malformed 'tags' parameter: expected a JSON object of key to value`);
      }
      for (const [k, v] of Object.entries(parsed)) {
        if (typeof v === 'object' && v !== null) throw new HttpError(400, `malformed 'tags' parameter: value of "${k}" must be a string`);
        tags[k] = String(v);
      }
    } else {
      Object.assign(tags, parseLogfmt(text));
    }
  }
  return tags;
}

export interface SearchDefaults {
  nowMs: number;
  lookbackMs: number;
  limit: number;
}

/** `GET /api/traces` search parameters; `traceID` lists are handled by the caller. */
export function parseSearch(params: Params, d: SearchDefaults): TraceQuery {
  const service = one(params, 'service');
  if (service === undefined) throw new HttpError(400, "parameter 'service' is required");
  const endUs = integer(params, 'end') ?? d.nowMs * 1000;
  const lookbackRaw = one(params, 'lookback');
  const lookbackUs = lookbackRaw === undefined || lookbackRaw === 'custom' ? d.lookbackMs * 1000 : duration(params, 'lookback', true)!;
  const startUs = integer(params, 'start') ?? endUs - lookbackUs;
  if (startUs > endUs) throw new HttpError(400, "'start' must not be after 'end'");
  const limit = integer(params, 'limit') ?? d.limit;
  if (limit < 0) throw new HttpError(400, "unable to parse param 'limit': must not be negative");
  const minDurationUs = duration(params, 'minDuration');
  const maxDurationUs = duration(params, 'maxDuration');
  if (minDurationUs !== undefined && maxDurationUs !== undefined && maxDurationUs < minDurationUs) {
    throw new HttpError(400, "'maxDuration' should be greater than 'minDuration'");
  }
  return {
    service,
    operation: one(params, 'operation'),
    tags: parseTags(params),
    minDurationUs,
    maxDurationUs,
    startUs,
    endUs,
    limit: limit === 0 ? d.limit : limit,
  };
}

export function parseSpanKind(params: Params): string | undefined {
  const kind = one(params, 'spanKind');
  if (kind === undefined) return undefined;
  if (!SPAN_KINDS.has(kind)) throw new HttpError(400, `unable to parse param 'spanKind': unsupported span kind "${kind}"`);
  return kind === 'unspecified' ? '' : kind;
}

/** `GET /api/dependencies`: endTs and lookback in milliseconds. */
export function parseDependencies(params: Params, nowMs: number, defaultLookbackMs: number): { startMs: number; endMs: number } {
  const endMs = integer(params, 'endTs') ?? nowMs;
  const lookbackMs = integer(params, 'lookback') ?? defaultLookbackMs;
  if (lookbackMs < 0) throw new HttpError(400, "unable to parse param 'lookback': must not be negative");
  return { startMs: endMs - lookbackMs, endMs };
}

/** `GET /api/traces/:id` optional start/end (Unix µs). */
export function parseTraceWindow(params: Params): { startUs?: number; endUs?: number } {
  return { startUs: integer(params, 'start'), endUs: integer(params, 'end') };
}

/** A trace ID as 32 lowercase hex digits (shorter IDs are zero-padded, as Jaeger prints 64-bit ones). */
export function normaliseTraceId(raw: string): string {
  const id = raw.trim().toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(id)) throw new HttpError(400, `cannot parse traceID "${raw}": expected up to 32 hex digits`);
  return id.padStart(32, '0');
}
