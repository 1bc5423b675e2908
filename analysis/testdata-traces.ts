import type { Attributes } from '../model/attributes.ts';
import { resourceFromAttributes } from '../model/resource.ts';
import { SpanKind, StatusCode, type Span, type TraceBatch } from '../model/trace.ts';

// The compact JSON shape golden traces are written in (analysis/testdata),
// and its conversion to the internal model. IDs are short names padded to
// the real widths so the files stay readable.

export interface GoldenSpan {
  trace: string;
  id: string;
  /** Parent span id; absent or '' for a root span. */
  parent?: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  durationMs: number;
  status?: 'unset' | 'ok' | 'error';
  attributes?: Attributes;
}

export interface GoldenResourceSpans {
  service: string;
  instance?: string;
  spans: GoldenSpan[];
}

const kinds: Record<GoldenSpan['kind'], SpanKind> = {
  internal: SpanKind.Internal, server: SpanKind.Server, client: SpanKind.Client, producer: SpanKind.Producer, consumer: SpanKind.Consumer,
};
const statuses = { unset: StatusCode.Unset, ok: StatusCode.Ok, error: StatusCode.Error };

export function toSpan(g: GoldenSpan, startTimeUnixMs = 0): Span {
  return {
    traceId: g.trace.padStart(32, '0'),
    spanId: g.id.padStart(16, '0'),
    parentSpanId: g.parent ? g.parent.padStart(16, '0') : '',
    traceState: '',
    name: g.name,
    kind: kinds[g.kind],
    startTimeUnixMs,
    durationMs: g.durationMs,
    statusCode: statuses[g.status ?? 'unset'],
    statusMessage: '',
    attributes: g.attributes ?? {},
    events: [],
    links: [],
  };
}

export function toBatch(resources: GoldenResourceSpans[], receivedAtMs = 0): TraceBatch {
  let spanCount = 0;
  const resourceSpans = resources.map((r) => {
    spanCount += r.spans.length;
    const attrs: Attributes = { 'service.name': r.service };
    if (r.instance) attrs['service.instance.id'] = r.instance;
    return { resource: resourceFromAttributes(attrs), scopeSpans: [{ scope: { name: 'golden' }, spans: r.spans.map((s) => toSpan(s, receivedAtMs)) }] };
  });
  return { resourceSpans, spanCount, receivedAtMs };
}
