import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { SpanKind, StatusCode, type Span, type TraceBatch } from '../../model/trace.ts';
import { decodeTracesJson } from './traces-json.ts';
import { decodeSpanAt, decodeTracesProto } from './traces-proto.ts';
import { withoutProtoRefs } from './testing.ts';
import { expectedSpan, goldenSpans } from './sdk-fixtures.ts';

// Golden round trips: real SDK spans, serialized by the real OTLP serializers,
// must decode to exactly the model spans computed from the SDK's own objects.

function allSpans(batch: TraceBatch): Span[] {
  return batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

const codecs = [
  ['protobuf', ProtobufTraceSerializer, decodeTracesProto],
  ['JSON', JsonTraceSerializer, decodeTracesJson],
] as const;

for (const [encoding, serializer, decode] of codecs) describe(`${encoding} bytes from the OpenTelemetry JS serializer`, () => {
  const sdkSpans = goldenSpans();
  const body = serializer.serializeRequest(sdkSpans)!;
  const { batch, rejectedItems, rejectionMessage } = decode(body, 1234);

  it('accepts every span', () => {
    assert.equal(rejectedItems, 0);
    assert.equal(rejectionMessage, '');
    assert.equal(batch.spanCount, sdkSpans.length);
    assert.equal(batch.receivedAtMs, 1234);
  });

  it('groups by resource and scope with the resource identity lifted out', () => {
    const services = batch.resourceSpans.map((rs) => [rs.resource.serviceName, rs.resource.serviceNamespace, rs.resource.hostName]);
    assert.deepEqual(services, [['checkout', 'shop', 'node-1'], ['payments', 'shop', 'node-1']]);
    assert.deepEqual(batch.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => ss.scope)), [
      [{ name: 'golden-scope', version: '1.2.3' }],
      [{ name: 'payments-scope' }],
    ]);
    assert.equal(batch.resourceSpans[0].resource.attributes['service.name'], 'checkout');
  });

  it('decodes each span exactly: IDs, parent, kind, status, times, attributes, events, links', () => {
    const decoded = new Map(allSpans(withoutProtoRefs(batch)).map((s) => [s.spanId, s]));
    for (const s of sdkSpans) assert.deepEqual(decoded.get(s.spanContext().spanId), expectedSpan(s), s.name);
  });

  if (encoding === 'protobuf') {
    it('decodes each span again, alone, from where it sits in the body (as the trace store does)', () => {
      for (const s of allSpans(batch)) assert.deepEqual(decodeSpanAt(batch.protoBody!, s.protoAt!, s.protoEnd!), s);
    });
  }

  it('decodes a Node Buffer (as the receivers pass) the same, copying bytes values out of it', () => {
    const buf = Buffer.concat([Buffer.from('xyz'), Buffer.from(body)]).subarray(3);
    const fromBuffer = decode(buf, 1234);
    assert.deepEqual(withoutProtoRefs(fromBuffer.batch), withoutProtoRefs(batch));
    buf.fill(0);
    assert.deepEqual(allSpans(fromBuffer.batch)[1].attributes['payload.bytes'], Uint8Array.from([0, 1, 254, 255]));
  });

  it('keeps the parent link and the kinds and statuses analysis relies on', () => {
    const [client, server] = allSpans(batch);
    assert.equal(client.parentSpanId, server.spanId);
    assert.equal(client.traceId, server.traceId);
    assert.equal(server.parentSpanId, '');
    assert.deepEqual([server.kind, client.kind], [SpanKind.Server, SpanKind.Client]);
    assert.deepEqual([server.statusCode, client.statusCode, client.statusMessage], [StatusCode.Ok, StatusCode.Error, 'connection reset']);
    assert.equal(client.durationMs, 2345.6689);
    assert.equal(server.attributes['big'], 2 ** 40 + 7);
    assert.deepEqual(server.attributes['payload.bytes'], Uint8Array.from([0, 1, 254, 255]));
    assert.deepEqual(allSpans(batch).slice(2).map((s) => s.kind), [SpanKind.Internal, SpanKind.Producer, SpanKind.Consumer]);
  });
});

