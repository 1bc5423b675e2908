import { Counter, Gauge, type Registry } from 'prom-client';
import type { AnalysisEngine } from './engine.ts';

// Every self-metric of the analysis engine, declared in one place. They read
// the engine's plain counters when /metrics is scraped, so the hot path
// never touches prom-client.

/** A counter whose value is read from `read()` at scrape time. */
function readCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name, help, registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function readGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name, help, registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

export function registerAnalysisMetrics(registry: Registry, engine: AnalysisEngine): void {
  const g = engine.serviceGraph;
  readCounter(registry, 'faultline_analysis_spans_total', 'Spans the analysis engine consumed.', () => engine.spansConsumed);
  readGauge(registry, 'faultline_analysis_span_metrics_series', 'Span-metrics series exposed (overflow series included).', () => engine.spanMetrics.seriesCount);
  readCounter(registry, 'faultline_analysis_span_metrics_overflow_spans_total', 'Spans recorded into the otel_metric_overflow series because the cardinality limit was reached.', () => engine.spanMetrics.overflowSpans);
  readGauge(registry, 'faultline_analysis_service_graph_pending_edges', 'Half edges waiting for their other half.', () => g.pendingEdges);
  readCounter(registry, 'faultline_analysis_service_graph_dropped_store_full_total', 'Half edges dropped because the pairing store was full.', () => g.droppedStoreFull);
  readCounter(registry, 'faultline_analysis_service_graph_expired_unpaired_total', 'Half edges whose TTL ended with nothing naming the other side.', () => g.expiredUnpaired);
  readCounter(registry, 'faultline_analysis_service_graph_overflow_edges_total', 'Calls recorded into the overflow edge because the cardinality limit was reached.', () => g.overflowEdges);
  readGauge(registry, 'faultline_analysis_series', 'Series held by the series store.', () => engine.series.size);
  readCounter(registry, 'faultline_analysis_series_dropped_records_total', 'Points refused because the series store held its maximum of series.', () => engine.series.droppedRecords);
  readCounter(registry, 'faultline_analysis_series_listener_errors_total', 'Errors thrown by series step listeners.', () => engine.listenerErrors);
}
