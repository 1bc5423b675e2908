import { context, trace, SpanKind as ApiSpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { Attributes } from '../../model/attributes.ts';
import type { Span } from '../../model/trace.ts';

// Real OpenTelemetry SDK spans for the codec's golden tests, and the model
// spans they must decode to (computed here independently of the decoder).

/** Records what `build` does with a tracer of a provider for `serviceName`. */
export function recordSpans(
  serviceName: string,
  build: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => void,
  scope = { name: 'golden-scope', version: '1.2.3' },
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'shop', 'host.name': 'node-1' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  build(provider.getTracer(scope.name, scope.version));
  return exporter.getFinishedSpans().slice();
}

// 2023-11-14T22:13:20.123456789Z and later, with nanosecond parts that do not fit a double's ms.
const T0: HrTime = [1_700_000_000, 123_456_789];
function at(offsetNs: number): HrTime {
  const ns = T0[1] + offsetNs;
  return [T0[0] + Math.floor(ns / 1e9), ns % 1e9];
}

/**
 * Two services: a checkout server span with a client child (parent link), a
 * span of every kind and status, attributes of every type, events and links.
 */
export function goldenSpans(): ReadableSpan[] {
  const checkout = recordSpans('checkout', (tracer) => {
    const server = tracer.startSpan('GET /cart', {
      kind: ApiSpanKind.SERVER,
      startTime: at(0),
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'url.path': '/cart',
        'server.address': 'checkout.local',
        'network.peer.port': 443,
        ratio: 0.25,
        negative: -42,
        big: 2 ** 40 + 7,
        flag: true,
        tags: ['a', 'b'],
        codes: [1, 2, 3],
        weights: [0.5, 1.5],
        bools: [true, false],
        'ünïcode.kéy': 'välue ✓ with more than twenty-four characters',
      },
    });
    server.addEvent('cache.miss', { 'cache.key': 'cart:42', attempt: 2 }, at(1_500));
    const ctx = trace.setSpan(context.active(), server);
    const client = tracer.startSpan(
      'SELECT carts',
      {
        kind: ApiSpanKind.CLIENT,
        startTime: at(10_001),
        attributes: { 'db.system': 'postgresql', 'peer.service': 'postgres' },
        links: [{ context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }, attributes: { reason: 'retry-of' } }],
      },
      ctx,
    );
    client.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    client.end(at(2_345_678_901));
    server.setStatus({ code: SpanStatusCode.OK });
    server.end(at(3_000_000_123));
  });
  const payments = recordSpans('payments', (tracer) => {
    const kinds = [ApiSpanKind.INTERNAL, ApiSpanKind.PRODUCER, ApiSpanKind.CONSUMER];
    kinds.forEach((kind, i) => tracer.startSpan(`span-${kind}`, { kind, startTime: at(i * 1000) }).end(at(i * 1000 + 999)));
  }, { name: 'payments-scope', version: '' });
  // Attribute types the API does not let a span set but OTLP carries (the
  // serializer writes bytes and kvlist AnyValues): put them in directly.
  // checkout[1] is the server span (the client ended first).
  const attrs = checkout[1].attributes as Record<string, unknown>;
  attrs['payload.bytes'] = Uint8Array.from([0, 1, 254, 255]);
  attrs['nested.kvlist'] = { inner: 'x', depth: { n: 1, list: ['p', 'q'] } };
  return [...checkout, ...payments];
}

function hrToNs(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

/** The model span a ReadableSpan must decode to (attributes taken as they are). */
export function expectedSpan(s: ReadableSpan): Span {
  const ctx = s.spanContext();
  const startNs = hrToNs(s.startTime);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    traceState: ctx.traceState?.serialize() ?? '',
    name: s.name,
    kind: s.kind + 1, // the API numbers kinds from INTERNAL = 0; OTLP from UNSPECIFIED = 0
    startTimeUnixMs: Number(startNs) / 1e6,
    durationMs: Number(hrToNs(s.endTime) - startNs) / 1e6,
    statusCode: s.status.code as number,
    statusMessage: s.status.message ?? '',
    attributes: s.attributes as Attributes,
    events: s.events.map((e) => ({ timeUnixMs: Number(hrToNs(e.time)) / 1e6, name: e.name, attributes: (e.attributes ?? {}) as Attributes })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: (l.attributes ?? {}) as Attributes })),
  };
}
