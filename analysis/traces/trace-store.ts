import type { InstrumentationScope, Resource } from '../../model/resource.ts';
import type { Span, TraceBatch } from '../../model/trace.ts';
import { spanMatches, type TraceQuery } from './trace-query.ts';

// Recent traces in bounded memory, indexed by trace ID, service and
// operation. Traces are evicted oldest-first (by first arrival) when the span
// budget is used up or when they are older than maxAgeMs; every dropped span
// is counted. Pure: clock and drop counter are injected.

export interface StoredSpan {
  span: Span;
  resource: Resource;
  scope: InstrumentationScope;
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

export function jaegerSpanKind(kind: number): string {
  return KIND_NAMES[kind] ?? '';
}

export class RecentTraceStore {
  private readonly traces = new Map<string, StoredTrace>();
  /** service -> trace IDs with a span of that service. */
  private readonly byService = new Map<string, Set<string>>();
  /** service \0 span name -> trace IDs. */
  private readonly byOperation = new Map<string, Set<string>>();
  /** service -> kind \0 span name -> operation, last seen (platform clock). */
  private readonly operationsSeen = new Map<string, Map<string, OperationInfo & { lastSeenMs: number }>>();
  private spans = 0;

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
      const service = rs.resource.serviceName;
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) this.add({ span, resource: rs.resource, scope: ss.scope }, service, nowMs);
      }
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
    for (const op of ops.values()) if (spanKind === undefined || op.spanKind === spanKind) out.push({ name: op.name, spanKind: op.spanKind });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.spanKind < b.spanKind ? -1 : 1));
  }

  /** Traces with at least one span matching every condition, newest first. */
  search(q: TraceQuery): StoredTrace[] {
    const ids = q.operation !== undefined ? this.byOperation.get(`${q.service}\u0000${q.operation}`) : this.byService.get(q.service);
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

  private add(s: StoredSpan, service: string, nowMs: number): void {
    const { span } = s;
    let t = this.traces.get(span.traceId);
    if (!t) {
      t = { traceId: span.traceId, spans: [], firstSeenMs: nowMs, startMs: span.startTimeUnixMs, endMs: span.startTimeUnixMs + span.durationMs };
      this.traces.set(span.traceId, t);
    }
    if (t.spans.length >= this.opts.maxSpansPerTrace) {
      this.opts.onDrop?.('trace_too_large', 1);
      return;
    }
    t.spans.push(s);
    this.spans++;
    t.startMs = Math.min(t.startMs, span.startTimeUnixMs);
    t.endMs = Math.max(t.endMs, span.startTimeUnixMs + span.durationMs);
    addTo(this.byService, service, span.traceId);
    addTo(this.byOperation, `${service}\u0000${span.name}`, span.traceId);
    let ops = this.operationsSeen.get(service);
    if (!ops) this.operationsSeen.set(service, (ops = new Map()));
    const kind = jaegerSpanKind(span.kind);
    const opKey = `${kind}\u0000${span.name}`;
    const op = ops.get(opKey);
    if (op) op.lastSeenMs = nowMs;
    else ops.set(opKey, { name: span.name, spanKind: kind, lastSeenMs: nowMs });
  }

  /** Drops traces past maxAgeMs even when nothing new arrives (called on a timer). */
  expire(): void {
    this.evict(this.opts.now());
  }

  private evict(nowMs: number): void {
    const cutoff = nowMs - this.opts.maxAgeMs;
    for (const t of this.traces.values()) {
      const tooOld = t.firstSeenMs < cutoff;
      if (!tooOld && this.spans <= this.opts.maxSpans) break;
      this.remove(t);
      this.opts.onDrop?.(tooOld ? 'age' : 'capacity', t.spans.length);
    }
    for (const [service, ops] of this.operationsSeen) {
      for (const [k, op] of ops) if (op.lastSeenMs < cutoff) ops.delete(k);
      if (ops.size === 0) this.operationsSeen.delete(service);
    }
  }

  private remove(t: StoredTrace): void {
    this.traces.delete(t.traceId);
    this.spans -= t.spans.length;
    for (const s of t.spans) {
      const service = s.resource.serviceName;
      removeFrom(this.byService, service, t.traceId);
      removeFrom(this.byOperation, `${service}\u0000${s.span.name}`, t.traceId);
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
