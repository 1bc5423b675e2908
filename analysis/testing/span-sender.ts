import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A real OpenTelemetry SDK tracer exporting OTLP/HTTP to `otlpHttpBase`, for tests. */
export function sdkTracer(otlpHttpBase: string, serviceName: string): { tracer: Tracer; provider: BasicTracerProvider } {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttpBase}/v1/traces` }), { scheduledDelayMillis: 100, maxExportBatchSize: 512, maxQueueSize: 100_000 })],
  });
  return { tracer: provider.getTracer('faultline-test'), provider };
}

/** Ends one span of `kind` at once; `error` sets status ERROR. */
export function emitSpan(tracer: Tracer, name: string, kind: SpanKind, error = false): void {
  const span = tracer.startSpan(name, { kind });
  if (error) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
