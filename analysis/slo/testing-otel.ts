import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Test traffic through the real OpenTelemetry SDK and OTLP/HTTP protobuf
 * exporter: a tracer for `service` whose server spans go to `otlpHttp`.
 */
export function otelTraffic(otlpHttp: string, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttp}/v1/traces` }), {
      maxQueueSize: 100_000, maxExportBatchSize: 2000, scheduledDelayMillis: 200,
    })],
  });
  const tracer = provider.getTracer('faultline-slo-test');
  return {
    /** Ends `count` server spans named `name`, `errors` of them with status ERROR, and exports them. */
    async send(count: number, errors: number, name = 'GET /cart'): Promise<void> {
      for (let i = 0; i < count; i++) {
        const span = tracer.startSpan(name, { kind: SpanKind.SERVER });
        if (i < errors) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      await provider.forceFlush();
    },
    shutdown: () => provider.shutdown(),
  };
}
