import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analysisConfigSchema } from './config.ts';
import { AnalysisEngine } from './engine.ts';
import { toBatch, type GoldenResourceSpans } from './testdata-traces.ts';

// Golden traces (testdata/*.json) and the metrics they must produce, read
// back from the Prometheus exposition. A `<case>.prom` beside a case holds
// the exact expected exposition.

interface GoldenCase {
  description: string;
  config?: unknown;
  steps: Array<{ advanceMs?: number; batch?: GoldenResourceSpans[]; tick?: boolean }>;
  expected: {
    edges?: Array<Record<string, string | number>>;
    calls?: Array<Record<string, string | number>>;
    counters?: Record<string, number>;
  };
}

const dir = new URL('./testdata/', import.meta.url).pathname;
const START_MS = 1_700_000_000_000;

/** Samples of the exposition: metric name -> [labels, value]. */
function parseExposition(text: string): Map<string, Array<[Record<string, string>, number]>> {
  const out = new Map<string, Array<[Record<string, string>, number]>>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1])!.push([labels, Number(m[3])]);
  }
  return out;
}

const sortRows = (rows: Array<Record<string, string | number>>) =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

function edgeRows(samples: ReturnType<typeof parseExposition>, wanted: string[]): Array<Record<string, string | number>> {
  const rows = new Map<string, Record<string, string | number>>();
  const take = (metric: string, field: string) => {
    for (const [labels, value] of samples.get(metric) ?? []) {
      const id = JSON.stringify([labels.client, labels.server, labels.connection_type]);
      const row = rows.get(id) ?? { client: labels.client, server: labels.server, connection_type: labels.connection_type };
      if (wanted.includes(field)) row[field] = Math.round(value * 1e9) / 1e9;
      rows.set(id, row);
    }
  };
  take('traces_service_graph_request_total', 'total');
  take('traces_service_graph_request_failed_total', 'failed');
  take('traces_service_graph_request_server_seconds_count', 'serverCount');
  take('traces_service_graph_request_client_seconds_count', 'clientCount');
  take('traces_service_graph_request_server_seconds_sum', 'serverSumSeconds');
  take('traces_service_graph_request_client_seconds_sum', 'clientSumSeconds');
  return [...rows.values()];
}

function runCase(c: GoldenCase): { engine: AnalysisEngine; text: string } {
  let nowMs = START_MS;
  const engine = new AnalysisEngine(analysisConfigSchema.parse(c.config ?? {}), () => nowMs);
  for (const step of c.steps) {
    nowMs += step.advanceMs ?? 0;
    if (step.batch) engine.consumeTraces(toBatch(step.batch, nowMs));
    if (step.tick) engine.tick();
  }
  return { engine, text: engine.renderMetrics() };
}

describe('golden traces', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const c = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenCase;
    it(`${file}: ${c.description}`, () => {
      const { engine, text } = runCase(c);
      const samples = parseExposition(text);
      if (c.expected.edges) {
        const fields = [...new Set(c.expected.edges.flatMap((e) => Object.keys(e)))];
        assert.deepEqual(sortRows(edgeRows(samples, fields)), sortRows(c.expected.edges));
      }
      if (c.expected.calls) {
        const calls = (samples.get('traces_span_metrics_calls_total') ?? []).map(([labels, calls]) => ({ ...labels, calls }));
        assert.deepEqual(sortRows(calls), sortRows(c.expected.calls));
        const counts = (samples.get('traces_span_metrics_duration_seconds_count') ?? []).map(([labels, calls]) => ({ ...labels, calls }));
        assert.deepEqual(sortRows(counts), sortRows(c.expected.calls), 'histogram counts equal calls');
      }
      const g = engine.serviceGraph;
      const counters: Record<string, number> = {
        expiredUnpaired: g.expiredUnpaired, droppedStoreFull: g.droppedStoreFull, pendingEdges: g.pendingEdges,
        overflowSpans: engine.spanMetrics.overflowSpans,
      };
      for (const [name, expected] of Object.entries(c.expected.counters ?? {})) assert.equal(counters[name], expected, name);
      const prom = join(dir, file.replace(/\.json$/, '.prom'));
      if (existsSync(prom)) assert.equal(text, readFileSync(prom, 'utf8'));
    });
  }
});
