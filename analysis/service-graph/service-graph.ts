import { attrString } from '../../model/attributes.ts';
import { SpanKind, type Span } from '../../model/trace.ts';
import { ExplicitHistogram } from '../histogram.ts';
import { KeyIndex } from '../key-index.ts';
import { familyHeader, labelPairs, leSuffixesSeconds, pushHistogramSeconds } from '../exposition/prometheus-text.ts';
import { OVERFLOW_LABELS } from '../span-metrics/span-metrics.ts';
import { ConnectionType, EdgeStore, type PendingEdge } from './edge-store.ts';

export const USER_NODE = 'user';
const PREFIX = 'traces_service_graph_request';
const CONNECTION_TYPES: readonly ConnectionType[] = [ConnectionType.Direct, ConnectionType.VirtualNode, ConnectionType.MessagingSystem, ConnectionType.Database];

/** One call from client to server, with what each side saw. */
export interface CompletedEdge {
  client: string;
  server: string;
  connectionType: ConnectionType;
  failed: boolean;
  /** Present when the client span was seen. */
  clientLatencyMs?: number;
  /** Present when the server span was seen (for databases: the client span's duration). */
  serverLatencyMs?: number;
}

export interface ServiceGraphOptions {
  boundsMs: readonly number[];
  storeTtlMs: number;
  storeMaxItems: number;
  cardinalityLimit: number;
  /** An edge series not updated for this long is dropped. */
  seriesExpiryMs: number;
  now: () => number;
  /** Called for every completed edge (the RED tracker listens). */
  onEdge?: (edge: CompletedEdge) => void;
}

interface EdgeSeries {
  labels: string;
  client: string;
  server: string;
  connectionType: ConnectionType;
  total: number;
  failed: number;
  serverLatency: ExplicitHistogram;
  clientLatency: ExplicitHistogram;
  updatedMs: number;
}

/**
 * The service graph, as the servicegraph connector builds it: client and
 * server spans of one call are paired by trace ID plus the client's span ID
 * (which is the server span's parent), in a TTL store, across batches and
 * in any order. Database calls, unpaired client calls and root server spans
 * become edges to virtual nodes.
 */
export class ServiceGraph {
  /** Half edges refused because the store was full. */
  droppedStoreFull = 0;
  /** Half edges whose TTL ended with nothing to name the other side. */
  expiredUnpaired = 0;
  /** Completed edges recorded into the overflow series. */
  overflowEdges = 0;
  private readonly store: EdgeStore;
  private readonly series = new Map<string, EdgeSeries>();
  /** The same series by client, server and connection type (the hot path's lookup). */
  private readonly index = new KeyIndex<EdgeSeries>();
  private overflow: EdgeSeries | undefined;
  private readonly leSuffixes: string[];

  constructor(private readonly options: ServiceGraphOptions) {
    this.leSuffixes = leSuffixesSeconds(options.boundsMs);
    this.store = new EdgeStore({
      ttlMs: options.storeTtlMs,
      maxItems: options.storeMaxItems,
      now: options.now,
      onComplete: (e) => this.complete(e, e.clientService!, e.serverService!, e.connectionType),
      onExpire: (e) => this.expired(e),
    });
  }

  get pendingEdges(): number {
    return this.store.size;
  }

  consume(serviceName: string, span: Span, isError: boolean): void {
    switch (span.kind) {
      case SpanKind.Client:
      case SpanKind.Producer:
        return this.consumeClient(serviceName, span, isError);
      case SpanKind.Server:
      case SpanKind.Consumer:
        return this.consumeServer(serviceName, span, isError);
      default:
        return;
    }
  }

  /** Ends half edges past their TTL and drops idle edge series. */
  expire(): void {
    this.store.expire();
    const oldest = this.options.now() - this.options.seriesExpiryMs;
    for (const [id, s] of this.series) {
      if (s.updatedMs < oldest) {
        this.series.delete(id);
        this.index.delete(s.client, s.server, CONNECTION_TYPES.indexOf(s.connectionType));
      }
    }
    if (this.overflow && this.overflow.updatedMs < oldest) this.overflow = undefined;
  }

  /** Current edge series (overflow excluded). */
  edges(): Array<{ client: string; server: string; connectionType: ConnectionType; total: number; failed: number }> {
    return [...this.series.values()].map(({ client, server, connectionType, total, failed }) => ({ client, server, connectionType, total, failed }));
  }

  render(out: string[]): void {
    const all = this.overflow ? [...this.series.values(), this.overflow] : [...this.series.values()];
    out.push(familyHeader(`${PREFIX}_total`, 'counter', 'Requests between two nodes of the service graph.'));
    for (const s of all) out.push(`${PREFIX}_total{${s.labels}} ${s.total}\n`);
    out.push(familyHeader(`${PREFIX}_failed_total`, 'counter', 'Failed requests between two nodes of the service graph.'));
    for (const s of all) out.push(`${PREFIX}_failed_total{${s.labels}} ${s.failed}\n`);
    out.push(familyHeader(`${PREFIX}_server_seconds`, 'histogram', 'Request durations seen by the server, in seconds.'));
    for (const s of all) pushHistogramSeconds(out, `${PREFIX}_server_seconds`, s.labels, this.leSuffixes, s.serverLatency.counts, s.serverLatency.sumMs, s.serverLatency.count);
    out.push(familyHeader(`${PREFIX}_client_seconds`, 'histogram', 'Request durations seen by the client, in seconds.'));
    for (const s of all) pushHistogramSeconds(out, `${PREFIX}_client_seconds`, s.labels, this.leSuffixes, s.clientLatency.counts, s.clientLatency.sumMs, s.clientLatency.count);
  }

  private consumeClient(serviceName: string, span: Span, isError: boolean): void {
    // A client span naming a database (db.system, or db.name alone, which is
    // what the servicegraph connector keys on) is an edge to it at once: a
    // database answers without a span of its own.
    const db = span.kind === SpanKind.Client
      ? attrString(span.attributes, 'db.namespace') ?? attrString(span.attributes, 'db.name') ?? attrString(span.attributes, 'db.system')
      : undefined;
    if (db !== undefined) {
      this.record({
        client: serviceName, server: db, connectionType: ConnectionType.Database, failed: isError,
        clientLatencyMs: span.durationMs, serverLatencyMs: span.durationMs,
      });
      return;
    }
    const e = this.store.open(span.spanId, span.traceId);
    if (e === undefined) {
      this.droppedStoreFull++;
      return;
    }
    e.clientService = serviceName;
    e.clientLatencyMs = span.durationMs;
    e.failed ||= isError;
    if (span.kind === SpanKind.Producer) e.connectionType = ConnectionType.MessagingSystem;
    e.peer = attrString(span.attributes, 'peer.service') ?? attrString(span.attributes, 'server.address') ?? attrString(span.attributes, 'net.peer.name');
    this.store.settle(e);
  }

  private consumeServer(serviceName: string, span: Span, isError: boolean): void {
    if (span.parentSpanId === '') {
      // A root server span has no client span to wait for: the caller is a user.
      if (span.kind === SpanKind.Server) {
        this.record({ client: USER_NODE, server: serviceName, connectionType: ConnectionType.VirtualNode, failed: isError, serverLatencyMs: span.durationMs });
      }
      return;
    }
    // Keyed by the client's span ID, which is the server span's parent.
    const e = this.store.open(span.parentSpanId, span.traceId);
    if (e === undefined) {
      this.droppedStoreFull++;
      return;
    }
    e.serverService = serviceName;
    e.serverLatencyMs = span.durationMs;
    e.failed ||= isError;
    if (span.kind === SpanKind.Consumer) e.connectionType = ConnectionType.MessagingSystem;
    this.store.settle(e);
  }

  private complete(e: PendingEdge, client: string, server: string, connectionType: ConnectionType): void {
    this.record({ client, server, connectionType, failed: e.failed, clientLatencyMs: e.clientLatencyMs, serverLatencyMs: e.serverLatencyMs });
  }

  private expired(e: PendingEdge): void {
    if (e.clientService !== undefined && e.peer !== undefined) {
      // The callee is not instrumented: name it after what the client called.
      this.complete(e, e.clientService, e.peer, ConnectionType.VirtualNode);
      return;
    }
    this.expiredUnpaired++;
  }

  private record(edge: CompletedEdge): void {
    let s = this.lookup(edge.client, edge.server, edge.connectionType);
    if (!s) {
      if (this.series.size >= this.options.cardinalityLimit) {
        this.overflowEdges++;
        s = this.overflow ??= this.newSeries(OVERFLOW_LABELS, '', '', ConnectionType.Direct);
      } else {
        const labels = labelPairs([['client', edge.client], ['server', edge.server], ['connection_type', edge.connectionType]]);
        s = this.newSeries(labels, edge.client, edge.server, edge.connectionType);
        this.series.set(`${edge.client}\u001f${edge.server}\u001f${edge.connectionType}`, s);
        this.index.set(edge.client, edge.server, CONNECTION_TYPES.indexOf(edge.connectionType), s);
      }
    }
    s.total++;
    if (edge.failed) s.failed++;
    if (edge.serverLatencyMs !== undefined) s.serverLatency.observe(edge.serverLatencyMs);
    if (edge.clientLatencyMs !== undefined) s.clientLatency.observe(edge.clientLatencyMs);
    s.updatedMs = this.options.now();
    this.options.onEdge?.(edge);
  }

  /** The series of an edge, found without building its string key. */
  private lookup(client: string, server: string, connectionType: ConnectionType): EdgeSeries | undefined {
    return this.index.get(client, server, CONNECTION_TYPES.indexOf(connectionType));
  }

  private newSeries(labels: string, client: string, server: string, connectionType: ConnectionType): EdgeSeries {
    return {
      labels, client, server, connectionType, total: 0, failed: 0, updatedMs: 0,
      serverLatency: new ExplicitHistogram(this.options.boundsMs), clientLatency: new ExplicitHistogram(this.options.boundsMs),
    };
  }
}
