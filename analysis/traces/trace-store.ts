import { decodeSpanAt } from '../../collector/otlp/traces-proto.ts';
import type { InstrumentationScope, Resource } from '../../model/resource.ts';
import type { Span, SpanKind, TraceBatch } from '../../model/trace.ts';
import { spanMatches, type TraceQuery } from './trace-query.ts';

// Recent traces in bounded memory, indexed by trace ID, service and
// operation. Traces are evicted oldest-first (by first arrival) when the span
// budget is used up or when they are older than maxAgeMs; every dropped span
// is counted. Pure: clock and drop counter are injected.

/**
 * A span as the store keeps it. A span that came as protobuf is kept as its
 * bytes (the request body is shared by the spans of a request) and decoded
 * again when a query reads `span`: the decoded objects die young instead of
 * filling the old generation, which under heavy ingest cost more CPU in the
 * garbage collector and more memory than the bytes. Spans from JSON are kept
 * as decoded.
 */
export class StoredSpan {
  readonly name: string;
  readonly kind: SpanKind;
  private readonly decoded: Span | undefined;
  private readonly body: Uint8Array | undefined;
  private readonly at: number;
  private readonly end: number;

  constructor(span: Span, readonly resource: Resource, readonly scope: InstrumentationScope, body?: Uint8Array) {
    this.name = span.name;
    this.kind = span.kind;
    if (body !== undefined && span.protoEnd !== undefined && span.protoAt !== undefined) {
      this.body = body;
      this.at = span.protoAt;
      this.end = span.protoEnd;
    } else {
      this.decoded = span;
      this.at = 0;
      this.end = 0;
    }
  }

  /** The span (decoded anew from its bytes on every read; keep the result while using it). */
  get span(): Span {
    return this.decoded ?? decodeSpanAt(this.body!, this.at, this.end);
  }
}

export interface StoredTrace {
  traceId: string;
  spans: StoredSpan[];
  /** Ingest time of the first span (platform clock), for age eviction. */
  firstSeenMs: number;
  /** Earliest span start and latest span end (producer clock, Unix ms). */
  startMs: number;
  endMs: number;
}

export type TraceDropReason = 'capacity' | 'age' | 'trace_too_large';

export interface TraceStoreOptions {
  maxSpans: number;
  maxAgeMs: number;
  maxSpansPerTrace: number;
  now: () => number;
  onDrop?: (reason: TraceDropReason, spans: number) => void;
}

export interface OperationInfo {
  name: string;
  /** Jaeger spelling: server, client, producer, consumer, internal or ''. */
  spanKind: string;
}

const KIND_NAMES = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

type SeenOperation = OperationInfo & { lastSeenMs: number };

/** One service's indexes while a batch is stored. */
interface ServiceIndex {
  traceIds: Set<string>;
  byName: Map<string, Set<string>>;
  ops: Map<string, Array<SeenOperation | undefined>>;
  lastTraceId: string;
}

export function jaegerSpanKind(kind: number): string {
  return KIND_NAMES[kind] ?? '';
}

export class RecentTraceStore {
  private readonly traces = new Map<string, StoredTrace>();
  /** service -> trace IDs with a span of that service. */
  private readonly byService = new Map<string, Set<string>>();
  /** service -> span name -> trace IDs (nested, so no key is built per span). */
  private readonly byOperation = new Map<string, Map<string, Set<string>>>();
  /** service -> span name -> operation by span kind, last seen (platform clock). */
  private readonly operationsSeen = new Map<string, Map<string, Array<SeenOperation | undefined>>>();
  private spans = 0;
  /**
   * Traces by first arrival from index `oldest` on: eviction reads the head
   * here instead of iterating the Map from its start, which walks over the
   * slots of every trace deleted since the Map last rehashed.
   */
  private readonly arrivals: Array<StoredTrace | undefined> = [];
  private oldest = 0;

  constructor(private readonly opts: TraceStoreOptions) {}

  get spanCount(): number {
    return this.spans;
  }

  get traceCount(): number {
    return this.traces.size;
  }

  consume(batch: TraceBatch): void {
    const nowMs = this.opts.now();
    for (const rs of batch.resourceSpans) {
      // The service's indexes, looked up once per resource rather than per span.
      const service = rs.resource.serviceName;
      let traceIds = this.byService.get(service);
      if (!traceIds) this.byService.set(service, (traceIds = new Set()));
      let byName = this.byOperation.get(service);
      if (!byName) this.byOperation.set(service, (byName = new Map()));
      let ops = this.operationsSeen.get(service);
      if (!ops) this.operationsSeen.set(service, (ops = new Map()));
      const index: ServiceIndex = { traceIds, byName, ops, lastTraceId: '' };
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) this.add(span, new StoredSpan(span, rs.resource, ss.scope, batch.protoBody), index, nowMs);
      }
      // Nothing stored (every span over maxSpansPerTrace): leave no empty index behind.
      if (traceIds.size === 0) this.byService.delete(service);
      if (byName.size === 0) this.byOperation.delete(service);
      if (ops.size === 0) this.operationsSeen.delete(service);
    }
    this.evict(nowMs);
  }

  get(traceId: string): StoredTrace | undefined {
    return this.traces.get(traceId);
  }

  services(): string[] {
    return [...this.operationsSeen.keys()].sort();
  }

  /** Operations of a service, optionally of one span kind; [] for an unknown service. */
  operations(service: string, spanKind?: string): OperationInfo[] {
    const ops = this.operationsSeen.get(service);
    if (!ops) return [];
    const out: OperationInfo[] = [];
    for (const byKind of ops.values()) {
      for (const op of byKind) if (op !== undefined && (spanKind === undefined || op.spanKind === spanKind)) out.push({ name: op.name, spanKind: op.spanKind });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.spanKind < b.spanKind ? -1 : 1));
  }

  /** Traces with at least one span matching every condition, newest first. */
  search(q: TraceQuery): StoredTrace[] {
    const ids = q.operation !== undefined ? this.byOperation.get(q.service)?.get(q.operation) : this.byService.get(q.service);
    if (!ids) return [];
    const found: StoredTrace[] = [];
    for (const id of ids) {
      const t = this.traces.get(id);
      if (t && t.spans.some((s) => spanMatches(s, q))) found.push(t);
    }
    found.sort((a, b) => b.startMs - a.startMs);
    return found.slice(0, q.limit);
  }

  /** Every stored trace (oldest first), for the dependency graph. */
  all(): IterableIterator<StoredTrace> {
    return this.traces.values();
  }

  private add(span: Span, s: StoredSpan, index: ServiceIndex, nowMs: number): void {
    let t = this.traces.get(span.traceId);
    if (!t) {
      t = { traceId: span.traceId, spans: [], firstSeenMs: nowMs, startMs: span.startTimeUnixMs, endMs: span.startTimeUnixMs + span.durationMs };
      this.traces.set(span.traceId, t);
      this.arrivals.push(t);
    }
    if (t.spans.length >= this.opts.maxSpansPerTrace) {
      this.opts.onDrop?.('trace_too_large', 1);
      return;
    }
    t.spans.push(s);
    this.spans++;
    t.startMs = Math.min(t.startMs, span.startTimeUnixMs);
    t.endMs = Math.max(t.endMs, span.startTimeUnixMs + span.durationMs);
    // Spans of one trace mostly come together: index the trace ID for the service once per run of them.
    if (span.traceId !== index.lastTraceId) {
      index.traceIds.add(span.traceId);
      index.lastTraceId = span.traceId;
    }
    addTo(index.byName, span.name, span.traceId);
    const ops = index.ops;
    let byKind = ops.get(span.name);
    if (!byKind) ops.set(span.name, (byKind = []));
    // Kinds the decoders let through are 0..5; anything else shares slot 0 with '' as Jaeger has no name for it.
    const k = span.kind >= 0 && span.kind < KIND_NAMES.length ? span.kind : 0;
    const op = byKind[k];
    if (op) op.lastSeenMs = nowMs;
    else {
      while (byKind.length <= k) byKind.push(undefined);
      byKind[k] = { name: span.name, spanKind: jaegerSpanKind(span.kind), lastSeenMs: nowMs };
    }
  }

  /** Drops traces past maxAgeMs even when nothing new arrives (called on a timer). */
  expire(): void {
    this.evict(this.opts.now());
  }

  private evict(nowMs: number): void {
    const cutoff = nowMs - this.opts.maxAgeMs;
    while (this.oldest < this.arrivals.length) {
      const t = this.arrivals[this.oldest]!;
      const tooOld = t.firstSeenMs < cutoff;
      if (!tooOld && this.spans <= this.opts.maxSpans) break;
      this.arrivals[this.oldest++] = undefined;
      this.remove(t);
      this.opts.onDrop?.(tooOld ? 'age' : 'capacity', t.spans.length);
    }
    if (this.oldest === this.arrivals.length) {
      this.arrivals.length = 0;
      this.oldest = 0;
    } else if (this.oldest > 4096 && this.oldest * 2 > this.arrivals.length) {
      this.arrivals.splice(0, this.oldest);
      this.oldest = 0;
    }
    for (const [service, ops] of this.operationsSeen) {
      for (const [name, byKind] of ops) {
        let left = 0;
        for (let k = 0; k < byKind.length; k++) {
          const op = byKind[k];
          if (op === undefined) continue;
          if (op.lastSeenMs < cutoff) byKind[k] = undefined;
          else left++;
        }
        if (left === 0) ops.delete(name);
      }
      if (ops.size === 0) this.operationsSeen.delete(service);
    }
  }

  private remove(t: StoredTrace): void {
    this.traces.delete(t.traceId);
    this.spans -= t.spans.length;
    // Runs of spans with the same service (and name) need the work once.
    let lastService: string | undefined;
    let lastName: string | undefined;
    for (const s of t.spans) {
      const service = s.resource.serviceName;
      const name = s.name;
      if (service === lastService && name === lastName) continue;
      if (service !== lastService) removeFrom(this.byService, service, t.traceId);
      const byName = this.byOperation.get(service);
      if (byName) {
        removeFrom(byName, name, t.traceId);
        if (byName.size === 0) this.byOperation.delete(service);
      }
      lastService = service;
      lastName = name;
    }
  }
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}
