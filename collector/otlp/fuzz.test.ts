import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JsonLogsSerializer, JsonMetricsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { decodeLogsJson } from './logs-json.ts';
import { decodeLogsProto } from './logs-proto.ts';
import { decodeMetricsJson } from './metrics-json.ts';
import { decodeMetricsProto } from './metrics-proto.ts';
import { sdkLogRecords } from './sdk-log-fixtures.ts';
import { goldenMetrics } from './sdk-metric-fixtures.ts';
import { goldenSpans } from './sdk-fixtures.ts';
import { decodeTracesJson } from './traces-json.ts';
import { decodeTracesProto } from './traces-proto.ts';

// Seeded mutations of real SDK requests (protobuf: flipped bytes, cut and
// spliced ranges; JSON: values swapped for values of other types): every one must decode or throw InvalidInput, never crash with
// another error (a RangeError, a TypeError) or loop.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(body: Uint8Array, rand: () => number): Uint8Array {
  const out = Uint8Array.from(body);
  const kind = Math.floor(rand() * 3);
  if (kind === 0) {
    for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
    return out;
  }
  const a = Math.floor(rand() * out.length);
  const b = a + Math.floor(rand() * (out.length - a));
  if (kind === 1) return Uint8Array.from([...out.subarray(0, a), ...out.subarray(b)]);
  return Uint8Array.from([...out.subarray(0, b), ...out.subarray(a, b), ...out.subarray(b)]);
}

const odd: unknown[] = [null, 0, -1, 1.5, 2 ** 64, '', 'x', 'NaN', '12', true, [], [1], {}, { stringValue: 1 }, { values: 'x' }];

/** Replaces one value somewhere in the JSON tree with a value of another type. */
function mutateJson(body: Uint8Array, rand: () => number): Uint8Array {
  const root = JSON.parse(new TextDecoder().decode(body)) as unknown;
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      slots.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
      walk(child);
    }
  };
  walk(root);
  const [parent, key] = slots[Math.floor(rand() * slots.length)];
  (parent as Record<string | number, unknown>)[key] = odd[Math.floor(rand() * odd.length)];
  return new TextEncoder().encode(JSON.stringify(root));
}

function fuzz(name: string, body: Uint8Array, decode: (b: Uint8Array) => unknown, seed: number, change = mutate) {
  it(`${name}: 1,500 mutations decode or throw InvalidInput`, () => {
    const rand = rng(seed);
    let threw = 0;
    for (let i = 0; i < 1500; i++) {
      const m = change(body, rand);
      try {
        decode(m);
      } catch (err) {
        if (!(err instanceof FaultlineError) || err.code !== ErrorCode.InvalidInput) {
          assert.fail(`mutation ${i} threw ${String(err)}: ${Buffer.from(m).toString('hex')}`);
        }
        threw++;
      }
    }
    assert.ok(threw > 50 && threw < 1500, `both outcomes happen (threw ${threw})`);
  });
}

describe('fuzzed protobuf', async () => {
  const metrics = await goldenMetrics('cumulative');
  const logs = await sdkLogRecords();
  fuzz('traces', ProtobufTraceSerializer.serializeRequest(goldenSpans())!, (b) => decodeTracesProto(b, 0), 1);
  fuzz('metrics', ProtobufMetricsSerializer.serializeRequest(metrics)!, (b) => decodeMetricsProto(b, 0), 2);
  fuzz('logs', ProtobufLogsSerializer.serializeRequest(logs)!, (b) => decodeLogsProto(b), 3);
});

describe('fuzzed JSON', async () => {
  const metrics = await goldenMetrics('delta');
  const logs = await sdkLogRecords();
  fuzz('traces', JsonTraceSerializer.serializeRequest(goldenSpans())!, (b) => decodeTracesJson(b, 0), 4, mutateJson);
  fuzz('metrics', JsonMetricsSerializer.serializeRequest(metrics)!, (b) => decodeMetricsJson(b, 0), 5, mutateJson);
  fuzz('logs', JsonLogsSerializer.serializeRequest(logs)!, (b) => decodeLogsJson(b), 6, mutateJson);
});
