import { context, trace, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

// Realistic OTLP/HTTP trace requests for benchmarks, byte for byte as the
// OpenTelemetry JS SDK produces them: real spans recorded by the SDK and
// serialized by @opentelemetry/otlp-transformer (what the OTLP exporters
// send). A shop of five services; each trace is a frontend HTTP server span
// fanning out through HTTP client/server pairs to a database and a cache,
// with stable HTTP/DB semconv attributes, so spans average about 300 bytes.

export interface TracePayload {
  /** ExportTraceServiceRequest, application/x-protobuf. */
  proto: Uint8Array;
  /** The same spans as OTLP/JSON, application/json. */
  json: Uint8Array;
  spanCount: number;
  /** Number of resources (services) in the request. */
  resourceCount: number;
}

const SERVICES = ['frontend', 'checkout', 'cart', 'payments', 'inventory'] as const;
type Service = (typeof SERVICES)[number];

function tracers(exporter: InMemorySpanExporter): Record<Service, Tracer> {
  const out = {} as Record<Service, Tracer>;
  SERVICES.forEach((name, i) => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': name,
        'service.namespace': 'shop',
        'service.version': `1.${i}.0`,
        'service.instance.id': `${name}-7d9f8c6b5-${i}x2kq`,
        'host.name': `node-${i % 3}`,
        'process.pid': 4100 + i,
        'process.runtime.name': 'nodejs',
        'process.runtime.version': '20.20.2',
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.version': '2.12.1',
      }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    out[name] = provider.getTracer(`@opentelemetry/instrumentation-http`, '0.223.0');
  });
  return out;
}

const ROUTES = ['/api/cart', '/api/checkout', '/api/products/{id}', '/api/orders'];

/** One HTTP call from `from` to `to`: a client span and the server span it causes. */
function httpCall(t: Record<Service, Tracer>, from: Service, to: Service, parent: Context, route: string, startMs: number, durMs: number, status: number): Context {
  const path = route.replace('{id}', String(1000 + Math.floor(startMs % 97)));
  const client = t[from].startSpan(`POST`, {
    kind: SpanKind.CLIENT,
    startTime: startMs,
    attributes: {
      'http.request.method': 'POST',
      'url.full': `http://${to}:8080${path}`,
      'server.address': to,
      'server.port': 8080,
      'http.response.status_code': status,
    },
  }, parent);
  const clientCtx = trace.setSpan(parent, client);
  const server = t[to].startSpan(`POST ${route}`, {
    kind: SpanKind.SERVER,
    startTime: startMs + 0.4,
    attributes: {
      'http.request.method': 'POST',
      'url.scheme': 'http',
      'url.path': path,
      'http.route': route,
      'server.address': to,
      'server.port': 8080,
      'client.address': `10.0.1.${(startMs % 200) | 0}`,
      'network.protocol.version': '1.1',
      'http.response.status_code': status,
    },
  }, clientCtx);
  if (status >= 500) {
    server.setStatus({ code: SpanStatusCode.ERROR });
    client.setStatus({ code: SpanStatusCode.ERROR });
  }
  server.end(startMs + durMs - 0.4);
  client.end(startMs + durMs);
  return trace.setSpan(clientCtx, server);
}

function dbCall(tracer: Tracer, parent: Context, table: string, startMs: number, durMs: number): void {
  const s: Span = tracer.startSpan(`SELECT shop.${table}`, {
    kind: SpanKind.CLIENT,
    startTime: startMs,
    attributes: {
      'db.system.name': 'postgresql',
      'db.namespace': 'shop',
      'db.operation.name': 'SELECT',
      'db.collection.name': table,
      'server.address': 'postgres',
      'server.port': 5432,
    },
  }, parent);
  s.end(startMs + durMs);
}

function cacheGet(tracer: Tracer, parent: Context, startMs: number): void {
  const s = tracer.startSpan('GET', {
    kind: SpanKind.CLIENT,
    startTime: startMs,
    attributes: { 'db.system.name': 'redis', 'db.operation.name': 'GET', 'server.address': 'redis', 'server.port': 6379 },
  }, parent);
  s.end(startMs + 0.8);
}

/** Records one trace of 12 spans starting at `t0Ms`; `n` varies routes, latencies and errors. */
function recordTrace(t: Record<Service, Tracer>, t0Ms: number, n: number): void {
  const route = ROUTES[n % ROUTES.length];
  const root = t.frontend.startSpan(`GET ${route}`, {
    kind: SpanKind.SERVER,
    startTime: t0Ms,
    attributes: {
      'http.request.method': 'GET',
      'url.scheme': 'https',
      'url.path': route.replace('{id}', String(n)),
      'http.route': route,
      'server.address': 'shop.example.com',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0',
      'network.protocol.version': '2',
      'http.response.status_code': 200,
    },
  });
  const rootCtx = trace.setSpan(context.active(), root);
  const failed = n % 50 === 0;
  const checkout = httpCall(t, 'frontend', 'checkout', rootCtx, '/api/checkout', t0Ms + 1, 40 + (n % 30), failed ? 503 : 200);
  dbCall(t.checkout, checkout, 'orders', t0Ms + 3, 5 + (n % 7));
  const payments = httpCall(t, 'checkout', 'payments', checkout, '/api/payments', t0Ms + 10, 20 + (n % 11), 200);
  dbCall(t.payments, payments, 'payments', t0Ms + 12, 3);
  httpCall(t, 'checkout', 'inventory', checkout, '/api/products/{id}', t0Ms + 32, 6 + (n % 5), n % 97 === 0 ? 500 : 200);
  const cart = httpCall(t, 'frontend', 'cart', rootCtx, '/api/cart', t0Ms + 45, 4 + (n % 3), 200);
  cacheGet(t.cart, cart, t0Ms + 46);
  root.end(t0Ms + 60 + (n % 40));
}

/** Builds one export request of `spanCount` SDK spans (whole traces; the last one is cut to fit). */
export function buildTracePayload(spanCount: number, startMs = 1_700_000_000_000): TracePayload {
  const exporter = new InMemorySpanExporter();
  const t = tracers(exporter);
  let n = 0;
  while (exporter.getFinishedSpans().length < spanCount) recordTrace(t, startMs + n * 7.3, n++);
  const spans: ReadableSpan[] = exporter.getFinishedSpans().slice(0, spanCount);
  const proto = ProtobufTraceSerializer.serializeRequest(spans)!;
  const json = JsonTraceSerializer.serializeRequest(spans)!;
  return { proto: proto.slice(), json: json.slice(), spanCount: spans.length, resourceCount: new Set(spans.map((s) => s.resource)).size };
}
