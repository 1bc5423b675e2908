import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { encodeExportResponse, encodeRpcStatus, type Encoding, type Signal } from './responses.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('encodeExportResponse', () => {
  const cases: Array<[Signal, number, string, Encoding, string]> = [
    ['traces', 0, '', 'json', '{}'],
    ['traces', 3, 'bad ids', 'json', '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad ids"}}'],
    ['metrics', 2, 'no name', 'json', '{"partialSuccess":{"rejectedDataPoints":"2","errorMessage":"no name"}}'],
    ['logs', 1, '', 'json', '{"partialSuccess":{"rejectedLogRecords":"1"}}'],
    ['traces', 0, 'a warning', 'json', '{"partialSuccess":{"errorMessage":"a warning"}}'],
  ];
  for (const [signal, n, message, encoding, want] of cases) {
    it(`${signal} ${encoding} rejected=${n} message=${JSON.stringify(message)}`, () => {
      assert.equal(text(encodeExportResponse(signal, n, message, encoding)), want);
    });
  }

  it('full success is an empty protobuf message', () => {
    for (const signal of ['traces', 'metrics', 'logs'] as const) assert.equal(encodeExportResponse(signal, 0, '', 'proto').length, 0);
  });

  it('encodes partial success as field 1 { 1: count, 2: message } in protobuf', () => {
    assert.equal(hexOf(encodeExportResponse('traces', 300, 'x', 'proto')), '0a06' + '08ac02' + '1201' + '78');
  });

  // The OpenTelemetry JS exporters' own response parsers read what we send.
  const parsers = {
    traces: [ProtobufTraceSerializer, JsonTraceSerializer, 'rejectedSpans'],
    metrics: [ProtobufMetricsSerializer, JsonMetricsSerializer, 'rejectedDataPoints'],
    logs: [ProtobufLogsSerializer, JsonLogsSerializer, 'rejectedLogRecords'],
  } as const;
  for (const [signal, [proto, json, field]] of Object.entries(parsers)) {
    it(`the SDK's ${signal} response parsers read a partial success`, () => {
      const message = 'rejected: ünïcode ✓';
      const p = proto.deserializeResponse(encodeExportResponse(signal as Signal, 70000, message, 'proto')) as { partialSuccess?: Record<string, unknown> };
      assert.equal(Number(p.partialSuccess?.[field]), 70000);
      assert.equal(p.partialSuccess?.errorMessage, message);
      const j = json.deserializeResponse(encodeExportResponse(signal as Signal, 5, message, 'json')) as { partialSuccess?: Record<string, unknown> };
      assert.deepEqual(j, { partialSuccess: { [field]: '5', errorMessage: message } });
      assert.deepEqual(proto.deserializeResponse(encodeExportResponse(signal as Signal, 0, '', 'proto')), {});
    });
  }
});

describe('encodeRpcStatus', () => {
  const cases: Array<[number, string, Encoding, string]> = [
    [3, 'invalid OTLP protobuf: truncated', 'json', '{"code":3,"message":"invalid OTLP protobuf: truncated"}'],
    [0, '', 'json', '{}'],
    [8, 'too large', 'proto', '0808' + '1209' + Buffer.from('too large').toString('hex')],
    [0, 'm', 'proto', '12016d'],
  ];
  for (const [code, message, encoding, want] of cases) {
    it(`code ${code} ${encoding}`, () => {
      const out = encodeRpcStatus(code, message, encoding);
      assert.equal(encoding === 'json' ? text(out) : hexOf(out), want);
    });
  }
});
