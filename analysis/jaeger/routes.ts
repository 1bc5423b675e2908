import type { Context, Hono } from 'hono';
import { HttpError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { dependencyLinks } from '../traces/dependencies.ts';
import type { RecentTraceStore } from '../traces/trace-store.ts';
import { normaliseTraceId, parseDependencies, parseSearch, parseSpanKind, parseTraceWindow, type Params } from './query-params.ts';
import { toJaegerTrace } from './to-jaeger.ts';

// Jaeger's HTTP query API (cmd/query/app/http_handler.go) over the recent
// trace store, under `<prefix>/api`, so Grafana's Jaeger data source works
// with the URL http://HOST:7070/jaeger. Responses and errors use Jaeger's
// envelope: {data, total, limit, offset, errors}.

export interface JaegerRoutesOptions {
  store: RecentTraceStore;
  now: () => number;
  lookbackMs: number;
  searchLimit: number;
  /** Default window of /dependencies when no lookback is given. */
  dependenciesLookbackMs: number;
  logger: Logger;
}

interface JaegerError {
  code?: number;
  msg: string;
  traceID?: string;
}

function envelope(data: unknown, total = 0, errors: JaegerError[] | null = null) {
  return { data, total, limit: 0, offset: 0, errors };
}

function params(c: Context): Params {
  return (name) => c.req.queries(name) ?? [];
}

export function registerJaegerRoutes(app: Hono, prefix: string, o: JaegerRoutesOptions): void {
  const api = `${prefix}/api`;
  const handle = (fn: (c: Context) => Response | Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const msg = err instanceof HttpError ? err.message : 'internal error';
      if (status === 500) o.logger.error({ err, path: c.req.path }, 'jaeger API error');
      return c.json(envelope(null, 0, [{ code: status, msg }]), status as 400);
    }
  };

  app.get(`${api}/services`, handle((c) => {
    const services = o.store.services();
    return c.json(envelope(services, services.length));
  }));

  app.get(`${api}/services/:service/operations`, handle((c) => {
    const names = [...new Set(o.store.operations(c.req.param('service') ?? '').map((op) => op.name))];
    return c.json(envelope(names, names.length));
  }));

  app.get(`${api}/operations`, handle((c) => {
    const service = c.req.query('service');
    if (!service) throw new HttpError(400, "parameter 'service' is required");
    const ops = o.store.operations(service, parseSpanKind(params(c)));
    return c.json(envelope(ops, ops.length));
  }));

  const search = handle((c) => {
    const p = params(c);
    const ids = p('traceID');
    if (ids.length > 0) {
      const found = [];
      const errors: JaegerError[] = [];
      for (const raw of ids) {
        const id = normaliseTraceId(raw);
        const t = o.store.get(id);
        if (t) found.push(toJaegerTrace(t));
        else errors.push({ msg: 'trace not found', traceID: id });
      }
      return c.json(envelope(found, 0, errors.length > 0 ? errors : null));
    }
    const query = parseSearch(p, { nowMs: o.now(), lookbackMs: o.lookbackMs, limit: o.searchLimit });
    const traces = o.store.search(query).map(toJaegerTrace);
    return c.json(envelope(traces));
  });
  app.get(`${api}/traces`, search);
  // Some Grafana releases build the search URL as /api/traces on the data
  // source's host, dropping its path (/jaeger); answer those searches too.
  if (prefix !== '') app.get('/api/traces', search);

  app.get(`${api}/traces/:traceId`, handle((c) => {
    const id = normaliseTraceId(c.req.param('traceId') ?? '');
    // start/end narrow a storage scan in Jaeger; lookup here is by ID, but bad values are still refused.
    parseTraceWindow(params(c));
    const t = o.store.get(id);
    if (!t) throw new HttpError(404, 'trace not found');
    return c.json(envelope([toJaegerTrace(t)]));
  }));

  app.get(`${api}/dependencies`, handle((c) => {
    const { startMs, endMs } = parseDependencies(params(c), o.now(), o.dependenciesLookbackMs);
    return c.json(envelope(dependencyLinks(o.store.all(), startMs, endMs)));
  }));
}
