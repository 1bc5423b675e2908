import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, type Metric } from '../model/metrics.ts';
import { scrape, sumSeries } from '../platform/testing/prom-text.ts';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { fixed64, len, msg, varint } from './otlp/proto-builder.ts';
import { expectedSpan, goldenSpans } from './otlp/sdk-fixtures.ts';
import { startOtlpSink, type OtlpSink } from './testing/otlp-sink.ts';

// The real OpenTelemetry JS exporters send to `faultline up` (a child
// process), which forwards what it accepted to a sink that decodes it: the
// test compares what each exporter was given with what came out the far side.

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('faultline up receives exactly what the OpenTelemetry exporters send', () => {
  let fl: FaultlineProcess;
  let sink: OtlpSink;
  before(async () => {
    sink = await startOtlpSink();
    fl = await startFaultline({ args: ['--forward-otlp', sink.url] });
  });
  after(async () => {
    await fl?.stop('SIGKILL');
    await sink?.close();
  });

  const traceExporters: Array<[string, () => SpanExporter, string, string]> = [
    ['exporter-trace-otlp-http (JSON)', () => new JsonTraceExporter({ url: `${fl.addresses.otlpHttp}/v1/traces` }), 'http', 'json'],
    ['exporter-trace-otlp-proto', () => new ProtoTraceExporter({ url: `${fl.addresses.otlpHttp}/v1/traces` }), 'http', 'protobuf'],
    ['exporter-trace-otlp-grpc', () => new GrpcTraceExporter({ url: `http://${fl.addresses.otlpGrpc}` }), 'grpc', 'protobuf'],
  ];
  for (const [name, make, transport, encoding] of traceExporters) {
    it(`spans from ${name}: IDs, parents, kinds, times, status, attributes, events, links and services`, async () => {
      const spans = goldenSpans();
      const exporter = make();
      const result = await exportSpans(exporter, spans);
      await exporter.shutdown();
      assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
      const ids = new Set(spans.map((s) => s.spanContext().spanId));
      await sink.waitFor(() => sink.spans().filter((s) => ids.has(s.spanId)).length === spans.length);
      const arrived = sink.spans().filter((s) => ids.has(s.spanId));
      for (const sent of spans) {
        const got = arrived.find((s) => s.spanId === sent.spanContext().spanId)!;
        const { serviceName, ...span } = got;
        assert.equal(serviceName, sent.resource.attributes['service.name']);
        assert.deepEqual(span, expectedSpan(sent), `span ${sent.name}`);
      }
      const samples = await scrape(fl.addresses.api!);
      assert.equal(sumSeries(samples, 'faultline_receiver_accepted_spans_total', { transport, encoding }), spans.length);
    });
  }

  // The same with gzip: OTEL_EXPORTER_OTLP_COMPRESSION=gzip.
  const gzipped: Array<[string, () => SpanExporter]> = [
    ['exporter-trace-otlp-proto with gzip', () => new ProtoTraceExporter({ url: `${fl.addresses.otlpHttp}/v1/traces`, compression: 'gzip' as CompressionAlgorithm })],
    ['exporter-trace-otlp-grpc with gzip', () => new GrpcTraceExporter({ url: `http://${fl.addresses.otlpGrpc}`, compression: 'gzip' as CompressionAlgorithm })],
  ];
  for (const [name, make] of gzipped) {
    it(`spans from ${name}`, async () => {
      const spans = goldenSpans();
      const exporter = make();
      const result = await exportSpans(exporter, spans);
      await exporter.shutdown();
      assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
      const ids = new Set(spans.map((s) => s.spanContext().spanId));
      await sink.waitFor(() => sink.spans().filter((s) => ids.has(s.spanId)).length === spans.length);
      const got = sink.spans().filter((s) => ids.has(s.spanId)).map(({ serviceName: _, ...span }) => span);
      assert.deepEqual(got.sort((a, b) => a.spanId.localeCompare(b.spanId)),
        spans.map(expectedSpan).sort((a, b) => a.spanId.localeCompare(b.spanId)));
    });
  }

  const metricExporters: Array<[string, (t: AggregationTemporalityPreference) => PushMetricExporter, AggregationTemporalityPreference]> = [
    ['exporter-metrics-otlp-http (JSON)', (t) => new JsonMetricExporter({ url: `${fl.addresses.otlpHttp}/v1/metrics`, temporalityPreference: t }), AggregationTemporalityPreference.CUMULATIVE],
    ['exporter-metrics-otlp-proto', (t) => new ProtoMetricExporter({ url: `${fl.addresses.otlpHttp}/v1/metrics`, temporalityPreference: t }), AggregationTemporalityPreference.DELTA],
    ['exporter-metrics-otlp-grpc', (t) => new GrpcMetricExporter({ url: `http://${fl.addresses.otlpGrpc}`, temporalityPreference: t }), AggregationTemporalityPreference.CUMULATIVE],
  ];
  for (const [name, make, preference] of metricExporters) {
    it(`metrics from ${name}: sum, up-down sum, gauge and histogram points with their temporality`, async () => {
      const service = `metrics-${name.replace(/\W+/g, '-')}`;
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        readers: [new PeriodicExportingMetricReader({ exporter: make(preference), exportIntervalMillis: 600_000 })],
      });
      const meter = provider.getMeter('test-meter', '1.0.0');
      const requests = meter.createCounter('http.requests', { unit: '{request}', description: 'requests served' });
      requests.add(5, { route: '/a' });
      requests.add(3, { route: '/b' });
      requests.add(2, { route: '/a' });
      meter.createUpDownCounter('queue.depth').add(-4);
      meter.createGauge('cpu.utilization', { unit: '1' }).record(0.75, { cpu: '0' });
      const latency = meter.createHistogram('http.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
      for (const v of [5, 50, 500, 7]) latency.record(v);
      // shutdown() flushes once: one export per exporter.
      await provider.shutdown();

      const metricsOf = () => sink.metrics.flatMap((b) => b.resourceMetrics.filter((r) => r.resource.serviceName === service))
        .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
      await sink.waitFor(() => metricsOf().length >= 4);
      const byName = new Map<string, Metric>(metricsOf().map((m) => [m.name, m]));
      const temporality = preference === AggregationTemporalityPreference.DELTA ? AggregationTemporality.Delta : AggregationTemporality.Cumulative;

      const reqs = byName.get('http.requests')!;
      assert.equal(reqs.unit, '{request}');
      assert.equal(reqs.description, 'requests served');
      assert.equal(reqs.data.type, 'sum');
      if (reqs.data.type !== 'sum') return;
      assert.equal(reqs.data.temporality, temporality);
      assert.equal(reqs.data.isMonotonic, true);
      assert.deepEqual(reqs.data.points.map((p) => [p.attributes.route, p.value]).sort(), [['/a', 7], ['/b', 3]]);

      const depth = byName.get('queue.depth')!;
      assert.equal(depth.data.type, 'sum');
      if (depth.data.type !== 'sum') return;
      assert.equal(depth.data.isMonotonic, false);
      // The SDK keeps up-down counters cumulative even when deltas are preferred.
      assert.equal(depth.data.temporality, AggregationTemporality.Cumulative);
      assert.deepEqual(depth.data.points.map((p) => p.value), [-4]);

      const cpu = byName.get('cpu.utilization')!;
      assert.equal(cpu.data.type, 'gauge');
      assert.deepEqual(cpu.data.points.map((p) => [p.attributes.cpu, p.value]), [['0', 0.75]]);

      const hist = byName.get('http.duration')!;
      assert.equal(hist.data.type, 'histogram');
      if (hist.data.type !== 'histogram') return;
      assert.equal(hist.data.temporality, temporality);
      const [point] = hist.data.points;
      assert.deepEqual(
        { count: point!.count, sum: point!.sum, min: point!.min, max: point!.max, bounds: point!.explicitBounds, buckets: point!.bucketCounts },
        { count: 4, sum: 562, min: 5, max: 500, bounds: [10, 100], buckets: [2, 1, 1] },
      );
    });
  }

  it('accepts, counts and forwards log records over HTTP (JSON and protobuf) and gRPC', async () => {
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ timeUnixNano: '1700000000000000000', severityNumber: 9, body: { stringValue: `line ${i}` } }));
    const json = JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'logs' } }] }, scopeLogs: [{ logRecords: records(3) }] }] });
    // ExportLogsServiceRequest{resource_logs{scope_logs{log_records x2}}}
    const logRecord = len(2, fixed64(1, 1_700_000_000_000_000_000n), varint(2, 9), len(5, len(1, 'proto line')));
    const proto = msg(len(1, len(2, logRecord, logRecord)));
    const http = await fetch(`${fl.addresses.otlpHttp}/v1/logs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: json });
    assert.equal(http.status, 200);
    assert.deepEqual(await http.json(), {});
    const httpProto = await fetch(`${fl.addresses.otlpHttp}/v1/logs`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: proto as Uint8Array<ArrayBuffer> });
    assert.equal(httpProto.status, 200);
    await httpProto.arrayBuffer();
    const client = new Client(fl.addresses.otlpGrpc!, credentials.createInsecure());
    await new Promise<void>((resolve, reject) => client.makeUnaryRequest(
      '/opentelemetry.proto.collector.logs.v1.LogsService/Export', (b: Buffer) => b, (b: Buffer) => b, Buffer.from(proto), new Metadata(),
      (err) => { client.close(); if (err) reject(err); else resolve(); },
    ));
    await sink.waitFor(() => sink.logRecords === 7);
    const samples = await scrape(fl.addresses.api!);
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_log_records_total', { transport: 'http', encoding: 'json' }), 3);
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_log_records_total', { transport: 'http', encoding: 'protobuf' }), 2);
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_log_records_total', { transport: 'grpc', encoding: 'protobuf' }), 2);
  });

  it('counts accepted data points per transport and encoding on /metrics', async () => {
    const samples = await scrape(fl.addresses.api!);
    // Each metrics test above sent 2 + 1 + 1 + 1 = 5 points.
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_metric_points_total', { transport: 'http', encoding: 'json' }), 5);
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_metric_points_total', { transport: 'http', encoding: 'protobuf' }), 5);
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_metric_points_total', { transport: 'grpc', encoding: 'protobuf' }), 5);
    assert.equal(sumSeries(samples, 'faultline_forwarder_undeliverable_batches_total'), 0);
  });
});
