import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ATTR_PEER_SERVICE, ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAMESPACE } from '@opentelemetry/semantic-conventions/incubating';
import type { InstanceConfig } from './instance-config.ts';

export interface Telemetry {
  /** Flushes and stops exporting (spans and metrics still buffered are sent). */
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry Node SDK as an application would set it up: traces and
 * metrics over OTLP/HTTP (protobuf), HTTP server and client spans from the
 * http instrumentation, runtime (event loop, GC, heap) and host (CPU, memory,
 * network) metrics. Must run before `http` is first required.
 */
export function startTelemetry(config: InstanceConfig): Telemetry {
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: config.service.name,
    [ATTR_SERVICE_INSTANCE_ID]: config.instanceId,
    [ATTR_SERVICE_NAMESPACE]: config.scenario,
  });
  const base = config.collectorUrl.replace(/\/+$/, '');
  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }), {
        scheduledDelayMillis: config.traceExportDelayMs,
        maxQueueSize: 8192,
      }),
    ],
  });
  tracerProvider.register();

  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
        exportIntervalMillis: config.metricExportIntervalMs,
        exportTimeoutMillis: Math.min(config.metricExportIntervalMs, 10_000),
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  const unregister = registerInstrumentations({
    tracerProvider,
    meterProvider,
    instrumentations: [
      new HttpInstrumentation({
        // Downstream.attempt passes the called service along; as peer.service it
        // names the edge even when no server span answers (a partition).
        startOutgoingSpanHook: (request) => {
          const peer = (request as { peerService?: unknown }).peerService;
          return typeof peer === 'string' ? { [ATTR_PEER_SERVICE]: peer } : {};
        },
      }),
      new RuntimeNodeInstrumentation({ monitoringPrecision: 1000 }),
    ],
  });
  new HostMetrics({ meterProvider, name: 'faultline-scenario' }).start();

  return {
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      unregister();
    },
  };
}
