import type { BatchConsumer } from '../model/pipeline.ts';
import { SpanKind, type TraceBatch } from '../model/trace.ts';
import type { AnalysisConfig } from './config.ts';
import { RedTracker } from './red/red-tracker.ts';
import type { RedSummary } from './red/red-window.ts';
import { SeriesStore } from './series/series-store.ts';
import { graphFacts, type GraphFacts } from './service-graph/graph-facts.ts';
import { ServiceGraph, USER_NODE } from './service-graph/service-graph.ts';
import { ConnectionType } from './service-graph/edge-store.ts';
import { isErrorSpan } from './span-error.ts';
import { SpanMetrics } from './span-metrics/span-metrics.ts';

export interface ServiceSummary extends RedSummary {
  name: string;
  instances: number;
  lastSeenMs: number;
}

export interface InstanceSummary {
  id: string;
  spans: number;
  lastSeenMs: number;
}

export interface ServiceDetail extends ServiceSummary {
  operations: Array<RedSummary & { name: string }>;
  instanceList: InstanceSummary[];
}

export type NodeKind = 'service' | 'database' | 'messaging_system' | 'virtual_node' | 'user';

export interface ServiceGraphSnapshot extends GraphFacts {
  nodes: Array<{ name: string; kind: NodeKind; red: RedSummary | null }>;
  edges: Array<RedSummary & { client: string; server: string; connectionType: ConnectionType }>;
}

interface ServiceState {
  lastSeenMs: number;
  instances: Map<string, { spans: number; lastSeenMs: number }>;
}

/**
 * The analysis engine: turns trace batches into span metrics, the service
 * graph and RED series. Time comes from `now` so tests drive it with a fake
 * clock; the part calls tick() on a timer.
 */
export class AnalysisEngine implements BatchConsumer {
  readonly name = 'analysis';
  readonly series: SeriesStore;
  readonly spanMetrics: SpanMetrics;
  readonly serviceGraph: ServiceGraph;
  readonly red: RedTracker;
  spansConsumed = 0;
  /** Errors thrown by series step listeners (they never break recording). */
  listenerErrors = 0;
  private readonly known = new Map<string, ServiceState>();
  private openStepStartMs: number;

  constructor(private readonly config: AnalysisConfig, private readonly now: () => number = Date.now, onListenerError?: (err: unknown) => void) {
    const { series: s, durationBucketsMs: boundsMs } = config;
    this.series = new SeriesStore({
      stepMs: s.stepMs, retentionMs: s.retentionMs, maxSeries: s.maxSeries,
      onListenerError: (err) => {
        this.listenerErrors++;
        onListenerError?.(err);
      },
    });
    this.spanMetrics = new SpanMetrics({ boundsMs, ...config.spanMetrics });
    this.red = new RedTracker({
      boundsMs, stepMs: s.stepMs, windowSteps: Math.max(1, Math.round(config.apiWindowMs / s.stepMs)), idleExpiryMs: s.idleExpiryMs, series: this.series,
    });
    this.serviceGraph = new ServiceGraph({
      boundsMs,
      storeTtlMs: config.serviceGraph.storeTtlMs,
      storeMaxItems: config.serviceGraph.storeMaxItems,
      cardinalityLimit: config.serviceGraph.cardinalityLimit,
      seriesExpiryMs: config.spanMetrics.seriesExpiryMs,
      now,
      onEdge: (e) => this.red.observeEdge(e.client, e.server, e.clientLatencyMs ?? e.serverLatencyMs, e.failed, this.now()),
    });
    this.openStepStartMs = this.stepStart(now());
  }

  consumeTraces(batch: TraceBatch): void {
    const nowMs = this.now();
    for (const rs of batch.resourceSpans) {
      const service = rs.resource.serviceName;
      let state = this.known.get(service);
      if (!state) this.known.set(service, (state = { lastSeenMs: nowMs, instances: new Map() }));
      state.lastSeenMs = nowMs;
      let instance: { spans: number; lastSeenMs: number } | undefined;
      if (rs.resource.serviceInstanceId !== undefined) {
        instance = state.instances.get(rs.resource.serviceInstanceId);
        if (!instance) state.instances.set(rs.resource.serviceInstanceId, (instance = { spans: 0, lastSeenMs: nowMs }));
        instance.lastSeenMs = nowMs;
      }
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const error = isErrorSpan(span);
          this.spanMetrics.record(service, span, error, nowMs);
          if (span.kind === SpanKind.Server || span.kind === SpanKind.Consumer) {
            this.red.observeRequest(service, span.name, span.durationMs, error, nowMs);
          }
          this.serviceGraph.consume(service, span, error);
        }
        this.spansConsumed += ss.spans.length;
        if (instance) instance.spans += ss.spans.length;
      }
    }
  }

  /** Expires half edges, and closes the open step once its end has passed. */
  tick(): void {
    const nowMs = this.now();
    this.serviceGraph.expire();
    const current = this.stepStart(nowMs);
    if (current <= this.openStepStartMs) return;
    // Spans are counted into the step that is open when they arrive, so the
    // closed step holds exactly the arrivals of its 10 s. A late timer (a
    // blocked event loop) closes every step it missed; those read as quiet.
    const stepMs = this.config.series.stepMs;
    const first = Math.max(this.openStepStartMs, current - this.series.capacity * stepMs);
    for (let step = first; step < current; step += stepMs) this.red.closeStep(step, nowMs);
    this.openStepStartMs = current;
    this.spanMetrics.expire(nowMs);
    this.series.sweep(nowMs);
    const oldest = nowMs - this.config.series.idleExpiryMs;
    for (const [name, state] of this.known) {
      if (state.lastSeenMs < oldest) this.known.delete(name);
      else for (const [id, i] of state.instances) if (i.lastSeenMs < oldest) state.instances.delete(id);
    }
  }

  /** Services seen within the idle expiry, by name. */
  services(): ServiceSummary[] {
    return [...this.known.keys()].sort().map((name) => this.summary(name));
  }

  service(name: string): ServiceDetail | undefined {
    const state = this.known.get(name);
    if (!state) return undefined;
    const operations = [...this.red.operations.values()]
      .filter((e) => e.key.service === name)
      .map((e) => ({ name: e.key.operation!, ...e.red.summary(this.config.series.stepMs) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const instanceList = [...state.instances].map(([id, i]) => ({ id, spans: i.spans, lastSeenMs: i.lastSeenMs })).sort((a, b) => (a.id < b.id ? -1 : 1));
    return { ...this.summary(name), operations, instanceList };
  }

  graph(): ServiceGraphSnapshot {
    const stepMs = this.config.series.stepMs;
    const edges = this.serviceGraph.edges().map((e) => {
      const red = this.red.edges.get(`${e.client}\u001f${e.server}`)?.red.summary(stepMs) ?? emptySummary();
      // The edge's counters are exact since the edge appeared; the window figures come from the RED tracker.
      return { client: e.client, server: e.server, connectionType: e.connectionType, ...red, requests: e.total, errors: e.failed };
    });
    const nodeKinds = new Map<string, NodeKind>();
    for (const e of edges) {
      if (!nodeKinds.has(e.client)) nodeKinds.set(e.client, e.client === USER_NODE && e.connectionType === ConnectionType.VirtualNode ? 'user' : 'service');
      const serverKind: NodeKind = e.connectionType === ConnectionType.Database ? 'database'
        : e.connectionType === ConnectionType.VirtualNode && !this.known.has(e.server) ? 'virtual_node' : 'service';
      if (!nodeKinds.has(e.server) || nodeKinds.get(e.server) === 'virtual_node') nodeKinds.set(e.server, serverKind);
    }
    for (const name of this.known.keys()) if (!nodeKinds.has(name)) nodeKinds.set(name, 'service');
    const nodes = [...nodeKinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, kind]) => ({
      name, kind, red: this.known.has(name) ? this.summary(name) : null,
    }));
    return { nodes, edges, ...graphFacts(edges) };
  }

  /** Span metrics and service graph in the Prometheus text format. */
  renderMetrics(): string {
    return this.renderMetricsPieces().join('');
  }

  /** The same, as pieces: /metrics streams them without joining. */
  renderMetricsPieces(): string[] {
    const out: string[] = [];
    this.spanMetrics.render(out);
    this.serviceGraph.render(out);
    return out;
  }

  private summary(name: string): ServiceSummary {
    const state = this.known.get(name);
    const red = this.red.services.get(name)?.red.summary(this.config.series.stepMs) ?? emptySummary();
    return { name, ...red, instances: state?.instances.size ?? 0, lastSeenMs: state?.lastSeenMs ?? 0 };
  }

  private stepStart(ms: number): number {
    return Math.floor(ms / this.config.series.stepMs) * this.config.series.stepMs;
  }
}

function emptySummary(): RedSummary {
  return { requests: 0, errors: 0, rateRps: null, errorRatio: null, p50Ms: null, p95Ms: null, p99Ms: null };
}
