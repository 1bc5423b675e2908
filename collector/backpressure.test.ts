import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { Client, Metadata, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { scrape, sumSeries } from '../platform/testing/prom-text.ts';
import { recordSpans } from './otlp/sdk-fixtures.ts';
import { RETRY_INFO_TYPE_URL } from './retry-status.ts';

// A burst larger than a tiny queue: the collector answers 503 with
// Retry-After instead of growing, the real exporter retries, and in the end
// every span the exporter reported as sent, and every span answered 200 to
// the raw burst, was counted as accepted and reached the consumers.

const QUEUE_CAPACITY = 200;

function spans(service: string, count: number): ReadableSpan[] {
  return recordSpans(service, (tracer) => {
    for (let i = 0; i < count; i++) {
      tracer.startSpan(`op-${i}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 } }).end();
    }
  });
}

describe('backpressure: a full queue refuses with 503 / UNAVAILABLE and retry hints, and counts exactly what it took and refused', () => {
  let fl: FaultlineProcess;
  before(async () => {
    fl = await startFaultline({ args: ['--queue-capacity', String(QUEUE_CAPACITY)] });
  });
  after(async () => {
    await fl?.stop('SIGKILL');
  });

  it('counts exactly what was answered 200 and refuses the rest with Retry-After', async () => {
    const url = `${fl.addresses.otlpHttp}/v1/traces`;
    // The burst: protobuf requests of QUEUE_CAPACITY spans each, many at once, for a while.
    const burstBody = ProtobufTraceSerializer.serializeRequest(spans('burst', QUEUE_CAPACITY))!;
    let burstAccepted = 0;
    let burstRefused = 0;
    const retryAfter = new Set<string | null>();
    const burstUntil = Date.now() + 1500;
    const burstWorker = async () => {
      while (Date.now() < burstUntil) {
        const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: burstBody as Uint8Array<ArrayBuffer> });
        await response.arrayBuffer();
        if (response.status === 200) burstAccepted++;
        else {
          assert.equal(response.status, 503);
          retryAfter.add(response.headers.get('retry-after'));
          burstRefused++;
        }
      }
    };
    // Meanwhile the real JSON exporter sends its own batches, concurrently.
    const exporter = new JsonTraceExporter({ url, timeoutMillis: 20_000 });
    const batches = Array.from({ length: 12 }, (_, i) => spans(`exporter-${i}`, 50));
    const exports = batches.map((batch) => new Promise<ExportResult>((resolve) => exporter.export(batch, resolve)));
    await Promise.all(Array.from({ length: 12 }, burstWorker));
    const results = await Promise.all(exports);
    await exporter.shutdown();

    assert.ok(burstRefused > 0, 'the burst overflowed the queue');
    assert.deepEqual([...retryAfter], ['1']);
    const reportedSent = results.reduce((n, r, i) => n + (r.code === ExportResultCode.SUCCESS ? batches[i]!.length : 0), 0);
    assert.ok(reportedSent > 0, 'the exporter got its batches in after retrying');

    const samples = await scrape(fl.addresses.api!);
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_spans_total', { encoding: 'json' }), reportedSent);
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_spans_total', { encoding: 'protobuf' }), burstAccepted * QUEUE_CAPACITY);
    assert.equal(sumSeries(samples, 'faultline_receiver_refused_spans_total', { encoding: 'protobuf', reason: 'queue_full' }), burstRefused * QUEUE_CAPACITY);
    assert.ok(sumSeries(samples, 'faultline_receiver_refused_spans_total', { encoding: 'json', reason: 'queue_full' }) > 0, 'the exporter was refused and retried');
    // Every accepted batch was handed to the consumers: nothing accepted was dropped.
    const acceptedBatches = burstAccepted + results.filter((r) => r.code === ExportResultCode.SUCCESS).length;
    assert.equal(sumSeries(samples, 'faultline_collector_consumed_batches_total', { signal: 'traces' }), acceptedBatches);
    assert.equal(sumSeries(samples, 'faultline_collector_queue_items'), 0);
  });

  // The JS gRPC exporter (0.223) does not retry: what it reports as sent must
  // have been accepted, and each export it reports as failed refused whole.
  it('over gRPC answers UNAVAILABLE with a RetryInfo detail, and counts exactly what the gRPC exporter reported as sent and as refused', async () => {
    const address = fl.addresses.otlpGrpc!;
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans('grpc-burst', QUEUE_CAPACITY))!);
    const before = await scrape(fl.addresses.api!);
    let accepted = 0;
    let refused = 0;
    const details: Buffer[] = [];
    const client = new Client(address, credentials.createInsecure());
    const call = () => new Promise<void>((resolve) => client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, body, new Metadata(),
      (err: ServiceError | null) => {
        if (!err) accepted++;
        else {
          assert.equal(err.code, GrpcStatus.UNAVAILABLE, err.message);
          refused++;
          details.push(err.metadata.get('grpc-status-details-bin')[0] as Buffer);
        }
        resolve();
      },
    ));
    const until = Date.now() + 1500;
    const worker = async () => { while (Date.now() < until) await call(); };
    const exporter = new GrpcTraceExporter({ url: `http://${address}`, timeoutMillis: 20_000 });
    const batches = Array.from({ length: 12 }, (_, i) => spans(`grpc-exporter-${i}`, 50));
    const exports = batches.map((batch) => new Promise<ExportResult>((resolve) => exporter.export(batch, resolve)));
    await Promise.all(Array.from({ length: 12 }, worker));
    const results = await Promise.all(exports);
    await exporter.shutdown();
    client.close();

    assert.ok(refused > 0, 'the gRPC burst overflowed the queue');
    // google.rpc.Status{code 14, details [Any{RetryInfo{retry_delay{seconds: 1}}}]}
    for (const d of details) {
      assert.equal(d[0], 0x08);
      assert.equal(d[1], GrpcStatus.UNAVAILABLE);
      assert.ok(d.includes(Buffer.from(RETRY_INFO_TYPE_URL)));
      assert.ok(d.subarray(-4).equals(Buffer.from([0x0a, 0x02, 0x08, 0x01])), 'RetryInfo.retry_delay = 1 s');
    }
    let reportedSent = 0;
    let reportedFailed = 0;
    results.forEach((r, i) => {
      if (r.code === ExportResultCode.SUCCESS) reportedSent += batches[i]!.length;
      else {
        assert.equal((r.error as Partial<ServiceError> | undefined)?.code, GrpcStatus.UNAVAILABLE, String(r.error));
        reportedFailed += batches[i]!.length;
      }
    });
    assert.equal(reportedSent + reportedFailed, 12 * 50);
    const after = await scrape(fl.addresses.api!);
    const delta = (name: string, labels: Record<string, string>) => sumSeries(after, name, labels) - sumSeries(before, name, labels);
    assert.equal(delta('faultline_receiver_accepted_spans_total', { transport: 'grpc' }), accepted * QUEUE_CAPACITY + reportedSent);
    assert.equal(delta('faultline_receiver_refused_spans_total', { transport: 'grpc', reason: 'queue_full' }), refused * QUEUE_CAPACITY + reportedFailed);
    assert.equal(delta('faultline_receiver_refused_requests_total', { transport: 'grpc', reason: 'queue_full' }), refused + reportedFailed / 50);
  });
});
