import type { Context, Hono } from 'hono';
import { HttpError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { TraceQuery } from '../traces/trace-query.ts';
import type { RecentTraceStore } from '../traces/trace-store.ts';
import { duration, integer, normaliseTraceId, one, parseSpanKind, parseTags, type Params } from './query-params.ts';
import { toOtlpResourceSpans } from './to-otlp-json.ts';

// Jaeger's api/v3 HTTP gateway (jaeger-idl swagger/api_v3/query_service.swagger.json)
// as Grafana's Jaeger data source calls it when its `jaegerEnableGrpcEndpoint`
// feature toggle is on: services, operations, trace by ID and search, traces
// as OTLP/JSON. Errors use the gateway's `{"error": {httpCode, message}}`.

export interface JaegerV3Options {
  store: RecentTraceStore;
  now: () => number;
  lookbackMs: number;
  searchLimit: number;
  logger: Logger;
}

function time(params: Params, name: string): number | undefined {
  const raw = one(params, name);
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new HttpError(400, `unable to parse param '${name}': "${raw}" is not an RFC 3339 time`);
  return ms;
}

export function parseSearchV3(params: Params, d: { nowMs: number; lookbackMs: number; limit: number }): TraceQuery {
  const service = one(params, 'query.service_name');
  if (service === undefined) throw new HttpError(400, "parameter 'query.service_name' is required");
  const endMs = time(params, 'query.start_time_max') ?? d.nowMs;
  const startMs = time(params, 'query.start_time_min') ?? endMs - d.lookbackMs;
  if (startMs > endMs) throw new HttpError(400, "'query.start_time_min' must not be after 'query.start_time_max'");
  const minDurationUs = duration(params, 'query.duration_min');
  const maxDurationUs = duration(params, 'query.duration_max');
  if (minDurationUs !== undefined && maxDurationUs !== undefined && maxDurationUs < minDurationUs) {
    throw new HttpError(400, "'query.duration_max' should be greater than 'query.duration_min'");
  }
  const limit = integer(params, 'query.num_traces') ?? integer(params, 'query.search_depth') ?? d.limit;
  if (limit < 0) throw new HttpError(400, "unable to parse param 'query.num_traces': must not be negative");
  return {
    service,
    operation: one(params, 'query.operation_name'),
    tags: parseTags((n) => (n === 'tags' ? params('query.attributes') : [])),
    minDurationUs,
    maxDurationUs,
    startUs: startMs * 1000,
    endUs: endMs * 1000,
    limit: limit === 0 ? d.limit : limit,
  };
}

export function registerJaegerV3Routes(app: Hono, prefix: string, o: JaegerV3Options): void {
  const api = `${prefix}/api/v3`;
  const params = (c: Context): Params => (name) => c.req.queries(name) ?? [];
  const handle = (fn: (c: Context) => Response | Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : 'internal error';
      if (status === 500) o.logger.error({ err, path: c.req.path }, 'jaeger api/v3 error');
      return c.json({ error: { httpCode: status, message } }, status as 400);
    }
  };

  app.get(`${api}/services`, handle((c) => c.json({ services: o.store.services() })));

  app.get(`${api}/operations`, handle((c) => {
    const service = c.req.query('service');
    if (!service) throw new HttpError(400, "parameter 'service' is required");
    const kind = parseSpanKind((n) => (n === 'spanKind' ? params(c)('span_kind') : []));
    return c.json({ operations: o.store.operations(service, kind) });
  }));

  app.get(`${api}/traces/:traceId`, handle((c) => {
    const t = o.store.get(normaliseTraceId(c.req.param('traceId') ?? ''));
    if (!t) throw new HttpError(404, 'trace not found');
    return c.json({ result: { resourceSpans: toOtlpResourceSpans([t]) } });
  }));

  app.get(`${api}/traces`, handle((c) => {
    const query = parseSearchV3(params(c), { nowMs: o.now(), lookbackMs: o.lookbackMs, limit: o.searchLimit });
    return c.json({ result: { resourceSpans: toOtlpResourceSpans(o.store.search(query)) } });
  }));
}
