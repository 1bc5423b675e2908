import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Metadata, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { goldenSpans } from './otlp/sdk-fixtures.ts';
import { startOtlpSink, type OtlpSink } from './testing/otlp-sink.ts';

const TOKEN = 's3cret-token';
const TRACE_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function grpcExport(address: string, body: Buffer, metadata: Metadata): Promise<ServiceError | Buffer> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(TRACE_PATH, (b: Buffer) => b, (b: Buffer) => b, body, metadata, (err, value) => {
      client.close();
      resolve(err ?? value!);
    });
  });
}

function exportSpans(exporter: SpanExporter): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(goldenSpans(), resolve));
}

describe('--ingest-token, then a graceful stop on SIGTERM', () => {
  let fl: FaultlineProcess;
  let sink: OtlpSink;
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(goldenSpans())!);
  before(async () => {
    sink = await startOtlpSink();
    fl = await startFaultline({ args: ['--ingest-token', TOKEN, '--forward-otlp', sink.url] });
  });
  after(async () => {
    await fl?.stop('SIGKILL');
    await sink?.close();
  });

  const httpCases: Array<[string, Record<string, string>, number]> = [
    ['no Authorization header', {}, 401],
    ['a wrong token', { Authorization: 'Bearer nope' }, 401],
    ['the token without "Bearer"', { Authorization: TOKEN }, 401],
    ['the right token', { Authorization: `Bearer ${TOKEN}` }, 200],
  ];
  for (const [name, headers, status] of httpCases) {
    it(`HTTP with ${name} -> ${status}`, async () => {
      const response = await fetch(`${fl.addresses.otlpHttp}/v1/traces`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-protobuf', ...headers }, body,
      });
      await response.arrayBuffer();
      assert.equal(response.status, status);
      if (status === 401) assert.equal(response.headers.get('www-authenticate'), 'Bearer');
    });
  }

  it('gRPC without the token is UNAUTHENTICATED, with it OK', async () => {
    const denied = await grpcExport(fl.addresses.otlpGrpc!, body, new Metadata());
    assert.equal((denied as ServiceError).code, GrpcStatus.UNAUTHENTICATED);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${TOKEN}`);
    assert.ok(Buffer.isBuffer(await grpcExport(fl.addresses.otlpGrpc!, body, metadata)));
  });

  it('real exporters configured with the token header get through', async () => {
    const headers = { Authorization: `Bearer ${TOKEN}` };
    const proto = new ProtoTraceExporter({ url: `${fl.addresses.otlpHttp}/v1/traces`, headers });
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${TOKEN}`);
    const grpc = new GrpcTraceExporter({ url: `http://${fl.addresses.otlpGrpc}`, metadata });
    assert.equal((await exportSpans(proto)).code, ExportResultCode.SUCCESS);
    assert.equal((await exportSpans(grpc)).code, ExportResultCode.SUCCESS);
    await proto.shutdown();
    await grpc.shutdown();
  });

  it('on SIGTERM delivers and forwards everything it answered 200 to, and exits 0 within 10 s', async () => {
    const headers = { 'Content-Type': 'application/x-protobuf', Authorization: `Bearer ${TOKEN}` };
    // Requests in flight while the signal arrives: each is either answered
    // 200 (and must then be delivered) or refused / cut off (and must not be).
    let answered200 = 0;
    const inFlight = Array.from({ length: 40 }, () => fetch(`${fl.addresses.otlpHttp}/v1/traces`, { method: 'POST', headers, body })
      .then(async (r) => { await r.arrayBuffer(); if (r.status === 200) answered200++; }, () => undefined));
    await new Promise((r) => setTimeout(r, 20));
    const stopped = fl.stop('SIGTERM');
    await Promise.all(inFlight);
    const { code, elapsedMs } = await stopped;
    assert.equal(code, 0);
    assert.ok(elapsedMs < 10_000, `stopped in ${elapsedMs} ms`);
    const summary = fl.logs.find((l) => l.msg === 'collector stopped: everything accepted was delivered');
    assert.ok(summary, 'the collector logged its drain');
    // 4 accepted before (HTTP right token, gRPC, two exporters) + what was answered 200 now.
    assert.equal(summary.deliveredBatches, 4 + answered200);
    // The forwarder drained before exit too.
    assert.equal(sink.spans().length, (4 + answered200) * goldenSpans().length);
    assert.ok(fl.logs.some((l) => l.msg === 'stopped'));
  });
});
