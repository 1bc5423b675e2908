import type { AttrValue, Attributes } from '../../model/attributes.ts';
import { attrValueString } from '../metrics/labels.ts';
import type { StoredTrace } from '../traces/trace-store.ts';

// Stored traces as OTLP/JSON `resourceSpans`, the payload of Jaeger's api/v3
// (`{"result": {"resourceSpans": [...]}}`): hex IDs, integer enums, 64-bit
// nanosecond times as decimal strings. Event times are JSON numbers because
// Grafana's api/v3 client reads them into an int64.

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { bytesValue: string }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } };

interface KeyValue {
  key: string;
  value: AnyValue;
}

function anyValue(v: AttrValue): AnyValue {
  if (v === null) return { stringValue: '' };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: keyValues(v) } };
}

function keyValues(attrs: Attributes): KeyValue[] {
  return Object.keys(attrs).map((key) => ({ key, value: anyValue(attrs[key]) }));
}

/** Unix ms (fractional) as exact-enough nanoseconds in decimal, without going through a lossy double. */
export function nanosString(ms: number): string {
  const whole = Math.floor(ms);
  const subMsNanos = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(subMsNanos)).toString();
}

export function toOtlpResourceSpans(traces: StoredTrace[]): unknown[] {
  // Group by resource content and scope, as an exporter would have sent them.
  const resources = new Map<string, { resource: unknown; scopes: Map<string, { scope: unknown; spans: unknown[] }> }>();
  for (const t of traces) {
    for (const { span, resource, scope } of t.spans) {
      const rKey = JSON.stringify(Object.entries(resource.attributes).map(([k, v]) => [k, attrValueString(v)]));
      let r = resources.get(rKey);
      if (!r) resources.set(rKey, (r = { resource: { attributes: keyValues(resource.attributes) }, scopes: new Map() }));
      const sKey = `${scope.name}\u0000${scope.version ?? ''}`;
      let s = r.scopes.get(sKey);
      if (!s) r.scopes.set(sKey, (s = { scope: { name: scope.name, version: scope.version ?? '' }, spans: [] }));
      s.spans.push({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        traceState: span.traceState,
        name: span.name,
        kind: span.kind,
        startTimeUnixNano: nanosString(span.startTimeUnixMs),
        endTimeUnixNano: nanosString(span.startTimeUnixMs + span.durationMs),
        attributes: keyValues(span.attributes),
        events: span.events.map((e) => ({ timeUnixNano: Number(nanosString(e.timeUnixMs)), name: e.name, attributes: keyValues(e.attributes) })),
        links: span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: '', attributes: keyValues(l.attributes) })),
        status: { code: span.statusCode, message: span.statusMessage },
      });
    }
  }
  return [...resources.values()].map((r) => ({
    resource: r.resource,
    scopeSpans: [...r.scopes.values()].map((s) => ({ scope: s.scope, spans: s.spans, schemaUrl: '' })),
    schemaUrl: '',
  }));
}
