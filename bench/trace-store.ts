// The recent-trace store at its default size: consume throughput (spans/s of
// CPU time) while full and evicting, and the CPU time of a Jaeger search
// (service + tag + minDuration) and of a trace-by-ID render over 200,000
// stored spans. Traces have 10 spans over 5 services and 20 operations.
// Prints one JSON line.
// Usage: node --import tsx bench/trace-store.ts [--spans 200000] [--batches 400]
import { parseArgs } from 'node:util';
import { resourceFromAttributes, type Resource } from '../model/resource.ts';
import { SpanKind, StatusCode, type Span, type TraceBatch } from '../model/trace.ts';
import { toJaegerTrace } from '../analysis/jaeger/to-jaeger.ts';
import { RecentTraceStore } from '../analysis/traces/trace-store.ts';

const { values } = parseArgs({ options: { spans: { type: 'string', default: '200000' }, batches: { type: 'string', default: '400' } } });
const maxSpans = Number(values.spans);
const batchCount = Number(values.batches);
const spansPerBatch = 1000;

const resources: Resource[] = Array.from({ length: 5 }, (_, i) => resourceFromAttributes({ 'service.name': `svc-${i}`, 'service.instance.id': `i-${i}` }));
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function batch(b: number): TraceBatch {
  const bySvc: Span[][] = resources.map(() => []);
  for (let i = 0; i < spansPerBatch; i++) {
    const traceNo = b * (spansPerBatch / 10) + Math.floor(i / 10);
    const svc = i % 5;
    bySvc[svc].push({
      traceId: hex(traceNo, 32), spanId: hex(b * spansPerBatch + i + 1, 16), parentSpanId: i % 10 === 0 ? '' : hex(b * spansPerBatch + i, 16),
      traceState: '', name: `op-${i % 20}`, kind: i % 2 ? SpanKind.Client : SpanKind.Server,
      startTimeUnixMs: 1_700_000_000_000 + b * 100 + i / 10, durationMs: (i % 97) + 0.5,
      statusCode: i % 50 === 0 ? StatusCode.Error : StatusCode.Unset, statusMessage: '',
      attributes: { 'http.route': `/r/${i % 20}`, 'http.response.status_code': i % 50 === 0 ? 500 : 200, 'customer.tier': i % 3 ? 'free' : 'gold' },
      events: [], links: [],
    });
  }
  return {
    receivedAtMs: 0, spanCount: spansPerBatch,
    resourceSpans: resources.map((resource, s) => ({ resource, scopeSpans: [{ scope: { name: 'bench' }, spans: bySvc[s] }] })),
  };
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

let dropped = 0;
const store = new RecentTraceStore({ maxSpans, maxAgeMs: 3_600_000, maxSpansPerTrace: 10_000, now: () => 0, onDrop: (_r, n) => { dropped += n; } });
const batches = Array.from({ length: batchCount }, (_, b) => batch(b));
let start = process.cpuUsage();
for (const b of batches) store.consume(b);
const consumeMs = cpuMs(start);

const query = { service: 'svc-2', tags: { 'customer.tier': 'gold' }, minDurationUs: 50_000, startUs: 0, endUs: Number.MAX_SAFE_INTEGER, limit: 20 };
store.search(query); // warm-up
const rounds = 20;
start = process.cpuUsage();
let found = 0;
for (let i = 0; i < rounds; i++) found = store.search(query).length;
const searchMs = cpuMs(start) / rounds;

const someId = batches[batchCount - 1].resourceSpans[0].scopeSpans[0].spans[0].traceId;
start = process.cpuUsage();
for (let i = 0; i < rounds; i++) JSON.stringify(toJaegerTrace(store.get(someId)!));
const traceMs = cpuMs(start) / rounds;

console.log(JSON.stringify({
  bench: 'trace-store',
  storedSpans: store.spanCount,
  storedTraces: store.traceCount,
  droppedSpans: dropped,
  consumeSpansPerSec: Math.round((batchCount * spansPerBatch) / (consumeMs / 1000)),
  searchCpuMs: Number(searchMs.toFixed(2)),
  searchResults: found,
  traceByIdCpuMs: Number(traceMs.toFixed(3)),
}));
