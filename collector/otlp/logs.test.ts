import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { decodeLogsJson } from './logs-json.ts';
import { decodeLogsProto } from './logs-proto.ts';
import { sdkLogRecords } from './sdk-log-fixtures.ts';
import { double, fixed64, hex, len, varint } from './proto-builder.ts';

// Logs are counted only; the count must match what a real SDK sent.

/** The counts and message of a decode (acceptedBody is tested in without-rejected.test.ts). */
const counted = (d: ReturnType<typeof decodeLogsProto>) => ({ batch: d.batch, rejectedItems: d.rejectedItems, rejectionMessage: d.rejectionMessage });

describe('log record counts from the OpenTelemetry JS serializers', async () => {
  const records = await sdkLogRecords();
  assert.equal(records.length, 3);
  it('protobuf', () => assert.deepEqual(decodeLogsProto(ProtobufLogsSerializer.serializeRequest(records)!), { batch: 3, rejectedItems: 0, rejectionMessage: '' }));
  it('JSON', () => assert.deepEqual(decodeLogsJson(JsonLogsSerializer.serializeRequest(records)!), { batch: 3, rejectedItems: 0, rejectionMessage: '' }));
  it('empty bodies are empty requests', () => {
    assert.equal(decodeLogsProto(new Uint8Array(0)).batch, 0);
    assert.equal(decodeLogsJson('').batch, 0);
  });
});

describe('invalid log records are rejected, undecodable requests throw', () => {
  const record = (...f: Uint8Array[]) => len(2, fixed64(1, 1n), varint(2, 9), len(5, len(1, 'body')), ...f);
  const request = (...records: Uint8Array[]) => len(1, len(2, len(1, len(1, 'scope')), ...records));
  it('protobuf: a 15-byte trace_id and a 4-byte span_id', () => {
    const body = request(record(), record(len(9, hex('00'.repeat(15)))), record(len(10, hex('01020304'))), record(len(9, hex('11'.repeat(16))), len(10, hex('22'.repeat(8)))));
    assert.deepEqual(counted(decodeLogsProto(body)), {
      batch: 2, rejectedItems: 2,
      rejectionMessage: 'rejected 2 log records: log record 1 of scope 0 of resource 0: trace_id is 15 bytes, want 16; log record 2 of scope 0 of resource 0: span_id is 4 bytes, want 8',
    });
  });
  it('JSON: a short trace ID is rejected; base64 IDs throw', () => {
    const body = (traceId: string) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId }, { body: { stringValue: 'x' } }] }] }] });
    assert.deepEqual(counted(decodeLogsJson(body('abcd'))), { batch: 1, rejectedItems: 1, rejectionMessage: 'rejected 1 log records: log record 0 of scope 0 of resource 0: trace_id is 2 bytes, want 16' });
    assert.throws(() => decodeLogsJson(body('W47/95gDgQPSabYzgT/GDA==')), /logRecords\[0\]\.traceId: .* is not a hex ID/);
  });
  const bad: Array<[string, () => unknown]> = [
    ['protobuf truncated', () => decodeLogsProto(request(record()).subarray(0, 9))],
    ['protobuf log_records as fixed64', () => decodeLogsProto(len(1, len(2, double(2, 1))))],
    ['protobuf trace_id as a varint', () => decodeLogsProto(request(record(varint(9, 1))))],
    ['JSON not JSON', () => decodeLogsJson('{')],
    ['JSON logRecords not an array', () => decodeLogsJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":1}]}]}')],
  ];
  for (const [name, run] of bad) {
    it(name, () => assert.throws(run, (err: unknown) => err instanceof FaultlineError && err.code === ErrorCode.InvalidInput));
  }
});
