import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateLabelName, translateMetricName, type PromKind } from './names.ts';

// Cases from the compatibility spec and the collector translator's tests,
// plus the base-unit rescaling (ms -> seconds) Faultline adds.
const metricCases: Array<[string, string, PromKind, boolean, string, number]> = [
  ['http.server.request.duration', 's', 'histogram', false, 'http_server_request_duration_seconds', 1],
  ['http.server.duration', 'ms', 'histogram', false, 'http_server_duration_seconds', 1e-3],
  ['rpc.latency', 'us', 'histogram', false, 'rpc_latency_seconds', 1e-6],
  ['system.cpu.time', 's', 'counter', false, 'system_cpu_time_seconds_total', 1],
  ['system.cpu.utilization', '1', 'gauge', true, 'system_cpu_utilization_ratio', 1],
  ['hit_ratio', '1', 'gauge', true, 'hit_ratio', 1],
  ['requests.count', '1', 'counter', false, 'requests_count_total', 1],
  ['requests_total', '{request}', 'counter', false, 'requests_total', 1],
  ['total.requests', '', 'counter', false, 'requests_total', 1],
  ['system.memory.usage', 'By', 'gauge', false, 'system_memory_usage_bytes', 1],
  ['process.memory', 'MiBy', 'gauge', false, 'process_memory_bytes', 2 ** 20],
  ['network.io', 'By/s', 'gauge', false, 'network_io_bytes_per_second', 1],
  ['throughput.per_second', '{req}/s', 'gauge', false, 'throughput_per_second', 1],
  ['disk.free', '%', 'gauge', false, 'disk_free_percent', 1],
  ['temp', 'Cel', 'gauge', false, 'temp_celsius', 1],
  ['queue.wait.seconds', 's', 'gauge', false, 'queue_wait_seconds', 1],
  ['uptime', 'h', 'counter', false, 'uptime_seconds_total', 3600],
  ['odd unit', 'widgets', 'gauge', false, 'odd_unit_widgets', 1],
  ['2xx.responses', '', 'counter', false, '_2xx_responses_total', 1],
  ['foo:bar..baz', '', 'gauge', false, 'foo:bar_baz', 1],
  ['...', '', 'gauge', false, '', 1],
];

const labelCases: Array<[string, string]> = [
  ['http.method', 'http_method'],
  ['http..method', 'http_method'],
  ['0key', 'key_0key'],
  ['service-name', 'service_name'],
  ['_private', '_private'],
  ['__reserved__', '_reserved_'],
  ['..', ''],
  ['ünïcode', '_n_code'],
];

describe('metric names', () => {
  for (const [name, unit, kind, ratio, expected, scale] of metricCases) {
    it(`${name} [${unit}] as ${kind} -> ${expected || '(invalid)'}`, () => {
      const t = translateMetricName(name, unit, kind, ratio);
      assert.equal(t.name, expected);
      assert.equal(t.unit.scale, scale);
    });
  }
});

describe('label names', () => {
  for (const [key, expected] of labelCases) {
    it(`${key} -> ${expected || '(dropped)'}`, () => assert.equal(translateLabelName(key), expected));
  }
});
