import type { Attributes } from './attributes.ts';
import type { InstrumentationScope, Resource } from './resource.ts';

// Numbering as in opentelemetry-proto trace.proto.
export enum SpanKind {
  Unspecified = 0,
  Internal = 1,
  Server = 2,
  Client = 3,
  Producer = 4,
  Consumer = 5,
}

export enum StatusCode {
  Unset = 0,
  Ok = 1,
  Error = 2,
}

export interface SpanEvent {
  timeUnixMs: number;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface Span {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** 16 lowercase hex characters, or '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKind;
  /** Start as Unix milliseconds (fractional: sub-microsecond precision kept). */
  startTimeUnixMs: number;
  /** End minus start, computed from the exact 64-bit nanosecond values. */
  durationMs: number;
  statusCode: StatusCode;
  statusMessage: string;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  /**
   * Set by the protobuf decoder: this span's message in TraceBatch.protoBody
   * runs from its length prefix at protoAt to protoEnd, so a store that keeps
   * spans for long can keep those bytes and decode again when asked, instead
   * of keeping (and making the garbage collector trace) the decoded objects.
   */
  protoAt?: number;
  protoEnd?: number;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  scopeSpans: ScopeSpans[];
}

export interface TraceBatch {
  resourceSpans: ResourceSpans[];
  /** Number of valid spans in the batch (rejected spans are not included). */
  spanCount: number;
  /** Time the collector accepted the batch (Unix ms). */
  receivedAtMs: number;
  /** The protobuf request the spans were decoded from (see Span.protoAt). */
  protoBody?: Uint8Array;
}
