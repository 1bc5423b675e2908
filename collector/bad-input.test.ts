import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Client, Metadata, credentials, status as GrpcStatus, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { scrape, sumSeries } from '../platform/testing/prom-text.ts';
import { fixed64, hex, len, msg, varint } from './otlp/proto-builder.ts';

// Every kind of bad OTLP/HTTP and OTLP/gRPC request against one `faultline up`
// child; each gets its status, and the process keeps serving valid requests.

const MAX_BYTES = 256 * 1024;
const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/** A valid ExportTraceServiceRequest with one span, plus any extra (unknown) fields. */
function traceRequest(extraSpanFields: Uint8Array[] = [], extraTopLevel: Uint8Array[] = []): Uint8Array {
  const span = len(2,
    len(1, hex(TRACE_ID)), len(2, hex('eee19b7ec3c1b174')), len(5, 'GET /'), varint(6, 2),
    fixed64(7, 1_700_000_000_000_000_000n), fixed64(8, 1_700_000_000_500_000_000n), ...extraSpanFields);
  const resource = len(1, len(1, len(1, 'service.name'), len(2, len(1, 'bad-input'))));
  return msg(len(1, resource, len(2, span)), ...extraTopLevel);
}

/** A request whose second span has an 8-byte trace ID: that span alone is rejected. */
function twoSpans(): Uint8Array {
  const span = (traceId: string) => len(2, len(1, hex(traceId)), len(2, hex('eee19b7ec3c1b175')), len(5, 'op'),
    fixed64(7, 1_700_000_000_000_000_000n), fixed64(8, 1_700_000_000_500_000_000n));
  return msg(len(1, len(2, span(TRACE_ID), span('0102030405060708'))));
}

const validJson = JSON.stringify({
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-input' } }] },
    scopeSpans: [{ spans: [{ traceId: TRACE_ID.toUpperCase(), spanId: 'EEE19B7EC3C1B174', name: 'GET /', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: 1700000000500000000, futureField: { x: 1 } }] }],
  }],
  someUnknownTopLevelKey: true,
});
const base64Json = validJson
  .replace(TRACE_ID.toUpperCase(), Buffer.from(TRACE_ID, 'hex').toString('base64'))
  .replace('EEE19B7EC3C1B174', Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'));

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  status: number;
  /** Checks on the answer body. */
  check?: (body: Buffer, headers: Headers) => void;
}

const PROTO = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json' };

const cases: Case[] = [
  { name: 'a valid protobuf request', headers: PROTO, body: traceRequest(), status: 200, check: (b) => assert.equal(b.length, 0) },
  { name: 'valid JSON with upper-case hex IDs, a number int64 and unknown keys', headers: JSON_CT, body: validJson, status: 200, check: (b) => assert.deepEqual(JSON.parse(b.toString()), {}) },
  { name: 'protobuf with unknown fields (span and top level)', headers: PROTO, body: traceRequest([varint(99, 7), len(100, 'future')], [len(77, 'x')]), status: 200 },
  { name: 'garbage bytes', headers: PROTO, body: Buffer.from('this is not a protobuf message at all'), status: 400 },
  { name: 'truncated protobuf', headers: PROTO, body: traceRequest().subarray(0, 40), status: 400 },
  { name: 'garbage JSON', headers: JSON_CT, body: '{"resourceSpans": [', status: 400, check: (b) => assert.equal(JSON.parse(b.toString()).code, 3) },
  {
    name: 'JSON with base64 IDs (OTLP/JSON IDs are hex)', headers: JSON_CT, body: base64Json, status: 400,
    check: (b) => assert.match(JSON.parse(b.toString()).message, /traceId: .* is not a hex ID/),
  },
  {
    name: 'protobuf with one good span and one whose trace ID is 8 bytes: partial success',
    headers: PROTO, body: twoSpans(), status: 200,
    check: (b) => {
      assert.ok(b.length > 0, 'partial_success is set');
      assert.match(b.toString('latin1'), /trace/i);
    },
  },
  { name: 'empty protobuf body (an empty request is valid protobuf)', headers: PROTO, body: new Uint8Array(0), status: 200 },
  { name: 'empty JSON body (read as an empty request, like an empty protobuf)', headers: JSON_CT, body: '', status: 200 },
  { name: 'text/plain', headers: { 'Content-Type': 'text/plain' }, body: 'hello', status: 415 },
  { name: 'no content type', headers: {}, body: traceRequest(), status: 415 },
  { name: 'an unsupported content encoding', headers: { ...PROTO, 'Content-Encoding': 'br' }, body: traceRequest(), status: 415 },
  { name: 'Content-Encoding gzip on a body that is not gzip', headers: { ...PROTO, 'Content-Encoding': 'gzip' }, body: traceRequest(), status: 400 },
  { name: 'a gzip request', headers: { ...PROTO, 'Content-Encoding': 'gzip' }, body: gzipSync(traceRequest()), status: 200 },
  { name: 'an oversized body', headers: PROTO, body: new Uint8Array(MAX_BYTES + 1), status: 413 },
  {
    name: 'a gzip bomb (small compressed, huge inflated)', headers: { ...PROTO, 'Content-Encoding': 'gzip' },
    body: gzipSync(new Uint8Array(64 * 1024 * 1024)), status: 413,
    check: (b) => assert.match(b.toString(), /after gzip decompression exceeds the limit/),
  },
  { name: 'GET', method: 'GET', status: 405, check: (_b, h) => assert.equal(h.get('allow'), 'POST') },
  { name: 'PUT', method: 'PUT', headers: PROTO, body: traceRequest(), status: 405 },
  { name: 'an unknown path', path: '/v1/profiles', headers: PROTO, body: traceRequest(), status: 404 },
];

function grpcExport(address: string, path: string, body: Buffer, metadata = new Metadata(), options: ChannelOptions = {}): Promise<ServiceError | Buffer> {
  const client = new Client(address, credentials.createInsecure(), options);
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, metadata, (err, value) => {
      client.close();
      resolve(err ?? value!);
    });
  });
}

describe('bad OTLP input gets the status the specification asks for, and the collector keeps serving', () => {
  let fl: FaultlineProcess;
  before(async () => {
    fl = await startFaultline({ args: ['--max-request-bytes', String(MAX_BYTES)] });
  });
  after(async () => {
    await fl?.stop('SIGKILL');
  });

  for (const c of cases) {
    it(`HTTP: ${c.name} -> ${c.status}`, async () => {
      const response = await fetch(`${fl.addresses.otlpHttp}${c.path ?? '/v1/traces'}`, {
        method: c.method ?? 'POST', headers: c.headers, body: c.body as BodyInit | undefined,
      });
      const body = Buffer.from(await response.arrayBuffer());
      assert.equal(response.status, c.status, body.toString());
      const sent = c.headers?.['Content-Type'];
      if (sent === 'application/json' || sent === 'application/x-protobuf') assert.equal(response.headers.get('content-type'), sent);
      if (c.status >= 400) assert.ok(body.length > 0, 'error answers carry a google.rpc.Status');
      c.check?.(body, response.headers);
    });
  }

  it('gRPC: garbage is INVALID_ARGUMENT, an oversized message RESOURCE_EXHAUSTED (also when it only inflates past the limit), a valid one OK', async () => {
    const address = fl.addresses.otlpGrpc!;
    const path = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
    const garbage = await grpcExport(address, path, Buffer.from('not protobuf, not at all'));
    assert.equal((garbage as ServiceError).code, GrpcStatus.INVALID_ARGUMENT);
    const big = await grpcExport(address, path, Buffer.alloc(MAX_BYTES + 10));
    assert.equal((big as ServiceError).code, GrpcStatus.RESOURCE_EXHAUSTED);
    // Zeros gzip to a few hundred bytes: only the inflated size is over the limit.
    const bomb = await grpcExport(address, path, Buffer.alloc(4 * MAX_BYTES), new Metadata(), { 'grpc.default_compression_algorithm': 2 });
    assert.equal((bomb as ServiceError).code, GrpcStatus.RESOURCE_EXHAUSTED, String(bomb));
    const ok = await grpcExport(address, path, Buffer.from(traceRequest()));
    assert.ok(Buffer.isBuffer(ok), String(ok));
  });

  it('gRPC and HTTP: a request whose client gives up before it is complete is counted as cancelled', async () => {
    // gRPC: half a message, and a 200 ms deadline (grpc-timeout) that passes.
    const session = http2.connect(`http://${fl.addresses.otlpGrpc}`);
    const stream = session.request({
      ':method': 'POST', ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '200m',
    });
    stream.write(Buffer.from([0, 0, 0, 0, 100, 1, 2, 3])); // declares 100 bytes, sends 3
    // The status comes in trailers, or in the headers of a trailers-only answer.
    const grpcStatus = await new Promise((resolve) => {
      const seen = (h: http2.IncomingHttpHeaders) => { if (h['grpc-status'] !== undefined) resolve(h['grpc-status']); };
      stream.on('response', seen);
      stream.on('trailers', seen);
      stream.resume();
    });
    session.destroy();
    assert.equal(Number(grpcStatus), GrpcStatus.DEADLINE_EXCEEDED);
    // HTTP: half a body, then the connection closes.
    const url = new URL(fl.addresses.otlpHttp!);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n0123456789');
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    const cancelled = async (transport: string) =>
      sumSeries(await scrape(fl.addresses.api!), 'faultline_receiver_refused_requests_total', { transport, signal: 'traces', reason: 'cancelled' });
    for (let i = 0; i < 50 && (await cancelled('http')) < 1; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await cancelled('grpc'), 1);
    assert.equal(await cancelled('http'), 1);
    const samples = await scrape(fl.addresses.api!);
    assert.equal(sumSeries(samples, 'faultline_receiver_request_duration_seconds_count', { transport: 'grpc', code: 'DEADLINE_EXCEEDED' }), 1);
  });

  it('is still alive and counted every refusal by reason and transport', async () => {
    assert.equal(fl.child.exitCode, null);
    const samples = await scrape(fl.addresses.api!);
    const refused = (transport: string, reason: string) =>
      sumSeries(samples, 'faultline_receiver_refused_requests_total', { transport, signal: 'traces', reason });
    assert.equal(refused('http', 'unsupported_media_type'), 3);
    assert.equal(refused('http', 'too_large'), 2); // oversized, gzip bomb
    assert.equal(refused('grpc', 'too_large'), 2); // oversized, inflates past the limit
    // garbage, truncated, garbage JSON, base64 IDs, not-gzip (HTTP) and garbage (gRPC)
    assert.equal(refused('http', 'decode_error'), 5);
    assert.equal(refused('grpc', 'decode_error'), 1);
    assert.equal(sumSeries(samples, 'faultline_receiver_decode_errors_total', { transport: 'grpc' }), 1);
    assert.equal(sumSeries(samples, 'faultline_receiver_refused_spans_total', { reason: 'invalid_item' }), 1);
    // valid proto, valid JSON, unknown fields, the good one of two, gzip, and gRPC valid
    assert.equal(sumSeries(samples, 'faultline_receiver_accepted_spans_total'), 6);
  });

  it('times every request, labelled with the HTTP status number (http) or the gRPC status name (grpc)', async () => {
    const samples = await scrape(fl.addresses.api!);
    const count = (transport: string, code: string) =>
      sumSeries(samples, 'faultline_receiver_request_duration_seconds_count', { transport, signal: 'traces', code });
    assert.equal(count('http', '413'), 2);
    assert.equal(count('http', '415'), 3);
    assert.equal(count('grpc', 'RESOURCE_EXHAUSTED'), 2);
    assert.equal(count('grpc', 'INVALID_ARGUMENT'), 1);
    assert.equal(count('grpc', 'OK'), 1);
    const codes = samples.filter((s) => s.name === 'faultline_receiver_request_duration_seconds_count');
    for (const s of codes) {
      if (s.labels.transport === 'http') assert.match(s.labels.code!, /^[1-5]\d\d$/);
      else assert.ok(s.labels.code! in GrpcStatus && Number.isNaN(Number(s.labels.code)), `gRPC code ${s.labels.code} is a status name`);
    }
  });
});
