import type { AttrValue, Attributes } from '../../model/attributes.ts';
import type { InstrumentationScope } from '../../model/resource.ts';
import { StatusCode, type Span } from '../../model/trace.ts';
import { attrValueString } from '../metrics/labels.ts';
import { jaegerSpanKind, type StoredTrace } from '../traces/trace-store.ts';

// Stored traces in the JSON shape of Jaeger's query API (model/json), with
// OTLP-only fields mapped as Jaeger's own OTLP translator maps them:
// span.kind, otel.status_code, otel.status_description, error=true,
// otel.scope.name/version, events as logs (`event` field), links as
// FOLLOWS_FROM references.

export interface JaegerKeyValue {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  value: string | number | boolean;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  flags: number;
  operationName: string;
  references: JaegerReference[];
  startTime: number;
  duration: number;
  tags: JaegerKeyValue[];
  logs: Array<{ timestamp: number; fields: JaegerKeyValue[] }>;
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export function keyValue(key: string, v: AttrValue): JaegerKeyValue {
  if (typeof v === 'boolean') return { key, type: 'bool', value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { key, type: 'int64', value: v } : { key, type: 'float64', value: v };
  if (v instanceof Uint8Array) return { key, type: 'binary', value: Buffer.from(v).toString('base64') };
  return { key, type: 'string', value: attrValueString(v) };
}

function keyValues(attrs: Attributes, skip?: string): JaegerKeyValue[] {
  const out: JaegerKeyValue[] = [];
  for (const key in attrs) if (key !== skip) out.push(keyValue(key, attrs[key]));
  return out;
}

const str = (key: string, value: string): JaegerKeyValue => ({ key, type: 'string', value });

function spanTags(span: Span, scope: InstrumentationScope): JaegerKeyValue[] {
  const tags = keyValues(span.attributes);
  if (scope.name) tags.push(str('otel.scope.name', scope.name));
  if (scope.version) tags.push(str('otel.scope.version', scope.version));
  const kind = jaegerSpanKind(span.kind);
  if (kind) tags.push(str('span.kind', kind));
  if (span.statusCode === StatusCode.Ok) tags.push(str('otel.status_code', 'OK'));
  if (span.statusCode === StatusCode.Error) {
    tags.push(str('otel.status_code', 'ERROR'));
    tags.push({ key: 'error', type: 'bool', value: true });
  }
  if (span.statusMessage) tags.push(str('otel.status_description', span.statusMessage));
  if (span.traceState) tags.push(str('w3c.tracestate', span.traceState));
  return tags;
}

const micros = (ms: number) => Math.round(ms * 1000);

export function toJaegerTrace(t: StoredTrace): JaegerTrace {
  const processes: Record<string, JaegerProcess> = {};
  // Spans of one resource in one batch share a Resource object; across
  // batches equal resources are recognised by content.
  const byObject = new Map<unknown, string>();
  const byContent = new Map<string, string>();
  const spans: JaegerSpan[] = [];
  for (const s of t.spans) {
    let processID = byObject.get(s.resource);
    if (processID === undefined) {
      const content = JSON.stringify(Object.entries(s.resource.attributes).map(([k, v]) => [k, attrValueString(v)]));
      processID = byContent.get(content);
      if (processID === undefined) {
        processID = `p${byContent.size + 1}`;
        byContent.set(content, processID);
        processes[processID] = { serviceName: s.resource.serviceName, tags: keyValues(s.resource.attributes, 'service.name') };
      }
      byObject.set(s.resource, processID);
    }
    const { span } = s;
    const references: JaegerReference[] = [];
    if (span.parentSpanId) references.push({ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId });
    for (const link of span.links) references.push({ refType: 'FOLLOWS_FROM', traceID: link.traceId, spanID: link.spanId });
    spans.push({
      traceID: span.traceId,
      spanID: span.spanId,
      flags: 1,
      operationName: span.name,
      references,
      startTime: micros(span.startTimeUnixMs),
      duration: micros(span.durationMs),
      tags: spanTags(span, s.scope),
      logs: span.events.map((e) => ({ timestamp: micros(e.timeUnixMs), fields: [str('event', e.name), ...keyValues(e.attributes)] })),
      processID,
      warnings: null,
    });
  }
  return { traceID: t.traceId, spans, processes, warnings: null };
}
