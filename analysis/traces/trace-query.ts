import type { Attributes } from '../../model/attributes.ts';
import { StatusCode, type Span } from '../../model/trace.ts';
import { attrValueString } from '../metrics/labels.ts';
import type { StoredSpan } from './trace-store.ts';

// A trace search as Jaeger's query service defines it: a trace matches when
// one of its spans matches every condition at once.

export interface TraceQuery {
  service: string;
  operation?: string;
  /** Tag key -> value; matched against span, resource and event attributes and the derived Jaeger tags. */
  tags: Record<string, string>;
  minDurationUs?: number;
  maxDurationUs?: number;
  /** Span start window, Unix microseconds (inclusive). */
  startUs: number;
  endUs: number;
  limit: number;
}

/** Tags Jaeger shows that OTLP carries elsewhere than in attributes. */
export function derivedTag(s: StoredSpan, span: Span, key: string): string | undefined {
  switch (key) {
    case 'span.kind':
      return ['', 'internal', 'server', 'client', 'producer', 'consumer'][span.kind] || undefined;
    case 'otel.status_code':
      return span.statusCode === StatusCode.Ok ? 'OK' : span.statusCode === StatusCode.Error ? 'ERROR' : undefined;
    case 'error':
      return span.statusCode === StatusCode.Error ? 'true' : undefined;
    case 'otel.scope.name':
      return s.scope.name || undefined;
    default:
      return undefined;
  }
}

function attrEquals(attrs: Attributes, key: string, value: string): boolean {
  const v = attrs[key];
  return v !== undefined && attrValueString(v) === value;
}

function tagMatches(s: StoredSpan, span: Span, key: string, value: string): boolean {
  if (derivedTag(s, span, key) === value) return true;
  if (attrEquals(span.attributes, key, value) || attrEquals(s.resource.attributes, key, value)) return true;
  return span.events.some((e) => attrEquals(e.attributes, key, value));
}

export function spanMatches(s: StoredSpan, q: TraceQuery): boolean {
  if (s.resource.serviceName !== q.service) return false;
  if (q.operation !== undefined && s.name !== q.operation) return false;
  const span = s.span; // decoded here, once, only for spans of the service and operation
  return spanRestMatches(s, span, q);
}

function spanRestMatches(s: StoredSpan, span: Span, q: TraceQuery): boolean {
  const startUs = span.startTimeUnixMs * 1000;
  if (startUs < q.startUs || startUs > q.endUs) return false;
  const durationUs = span.durationMs * 1000;
  if (q.minDurationUs !== undefined && durationUs < q.minDurationUs) return false;
  if (q.maxDurationUs !== undefined && durationUs > q.maxDurationUs) return false;
  for (const key in q.tags) if (!tagMatches(s, span, key, q.tags[key])) return false;
  return true;
}
