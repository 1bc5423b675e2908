import { Counter, Gauge, type Registry } from 'prom-client';
import type { RecentTraceStore } from './trace-store.ts';

// The recent-trace store's own metrics.
export function traceStoreSelfMetrics(registry: Registry, store: () => RecentTraceStore | undefined) {
  return {
    droppedSpans: new Counter({
      name: 'faultline_trace_store_dropped_spans_total',
      help: 'Spans dropped from the recent-trace store, by reason (capacity, age, trace_too_large)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    spans: new Gauge({
      name: 'faultline_trace_store_spans',
      help: 'Spans currently held in the recent-trace store',
      registers: [registry],
      collect() {
        this.set(store()?.spanCount ?? 0);
      },
    }),
    traces: new Gauge({
      name: 'faultline_trace_store_traces',
      help: 'Traces currently held in the recent-trace store',
      registers: [registry],
      collect() {
        this.set(store()?.traceCount ?? 0);
      },
    }),
  };
}
