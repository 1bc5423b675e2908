import type { Attributes } from '../../model/attributes.ts';
import type { InstrumentationScope, Resource } from '../../model/resource.ts';
import { resourceFromAttributes } from '../../model/resource.ts';
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TraceBatch } from '../../model/trace.ts';
import { bytesToHex, idProblem } from './hex.ts';
import { nanosDiffMs, nanosToMs } from './nanos.ts';
import { readKeyValue, readResource, readScope } from './proto-common.ts';
import { invalidProto, ProtoReader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.ts';
import { Rejections, type Decoded } from './rejections.ts';

// ExportTraceServiceRequest (collector/trace/v1) and trace.proto, decoded
// straight into the model. Field numbers are those of opentelemetry-proto.

// Most spans have no events or links: they share these (frozen) empty arrays
// instead of allocating two per span, which the trace store would then keep.
const NO_EVENTS = Object.freeze([]) as unknown as SpanEvent[];
const NO_LINKS = Object.freeze([]) as unknown as SpanLink[];

/**
 * Decodes an OTLP/protobuf ExportTraceServiceRequest. Throws InvalidInput for
 * a body that is not a well-formed message; drops (and counts) spans with
 * invalid IDs, times, kind or status.
 */
export function decodeTracesProto(body: Uint8Array, receivedAtMs: number): Decoded<TraceBatch> {
  const r = new ProtoReader(body);
  const rej = new Rejections('spans');
  const end = body.length;
  const resourceSpans: ResourceSpans[] = [];
  let spanCount = 0;
  let ri = 0;
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'ExportTraceServiceRequest.resource_spans');
      const rs = readResourceSpans(r, end, rej, ri++);
      if (rs !== null) {
        resourceSpans.push(rs);
        for (const ss of rs.scopeSpans) spanCount += ss.spans.length;
      }
    } else r.skip(end, f);
  }
  r.endMessage(end, 'ExportTraceServiceRequest');
  return rej.result({ resourceSpans, spanCount, receivedAtMs, protoBody: body }, { proto: body });
}

/**
 * Decodes one span again from a request body that decodeTracesProto has
 * accepted: `at` and `end` are the span's protoAt and protoEnd.
 */
export function decodeSpanAt(body: Uint8Array, at: number, end: number): Span {
  const r = new ProtoReader(body);
  r.pos = at;
  const span = readSpan(r, end, new Rejections('spans'), 0, 0, 0);
  if (span === null) throw invalidProto(`no valid span at byte ${at}`);
  return span;
}

/** ResourceSpans { 1: resource, 2: scope_spans, 3: schema_url }; null when no span survived. */
function readResourceSpans(r: ProtoReader, outerEnd: number, rej: Rejections, ri: number): ResourceSpans | null {
  const end = r.len(outerEnd);
  let resource: Resource | undefined;
  const scopeSpans: ScopeSpans[] = [];
  let si = 0;
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'ResourceSpans.resource');
      resource = readResource(r, end);
    } else if (f === 2) {
      r.expect(WIRE_LEN, 'ResourceSpans.scope_spans');
      const ss = readScopeSpans(r, end, rej, ri, si++);
      if (ss.spans.length > 0) scopeSpans.push(ss);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'ResourceSpans');
  if (scopeSpans.length === 0) return null;
  return { resource: resource ?? resourceFromAttributes({}), scopeSpans };
}

/** ScopeSpans { 1: scope, 2: spans, 3: schema_url }. */
function readScopeSpans(r: ProtoReader, outerEnd: number, rej: Rejections, ri: number, si: number): ScopeSpans {
  const end = r.len(outerEnd);
  let scope: InstrumentationScope | undefined;
  const spans: Span[] = [];
  let pi = 0;
  while (r.pos < end) {
    const at = r.pos;
    const f = r.tag();
    if (f === 2) {
      r.expect(WIRE_LEN, 'ScopeSpans.spans');
      const span = readSpan(r, end, rej, ri, si, pi++);
      if (span !== null) spans.push(span);
      else rej.dropField(at, r.pos);
    } else if (f === 1) {
      r.expect(WIRE_LEN, 'ScopeSpans.scope');
      scope = readScope(r, end);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'ScopeSpans');
  return { scope: scope ?? { name: '' }, spans };
}

/**
 * Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind,
 * 7 start_time_unix_nano, 8 end_time_unix_nano, 9 attributes, 11 events,
 * 13 links, 15 status, 16 flags (10, 12, 14: dropped counts).
 * Returns null (and counts the rejection) for an invalid span.
 */
function readSpan(r: ProtoReader, outerEnd: number, rej: Rejections, ri: number, si: number, pi: number): Span | null {
  const at = r.pos;
  const end = r.len(outerEnd);
  const buf = r.buf;
  let tidS = 0, tidE = 0, sidS = 0, sidE = 0, pidS = 0, pidE = 0;
  let traceState = '';
  let name = '';
  let kind = 0;
  let startLo = 0, startHi = 0, endLo = 0, endHi = 0;
  let statusCode = 0;
  let statusMessage = '';
  const attributes: Attributes = {};
  let events = NO_EVENTS;
  let links = NO_LINKS;
  let linkProblem = '';
  while (r.pos < end) {
    const f = r.tag();
    switch (f) {
      case 1:
        r.expect(WIRE_LEN, 'Span.trace_id');
        tidE = r.len(end);
        tidS = r.pos;
        r.pos = tidE;
        break;
      case 2:
        r.expect(WIRE_LEN, 'Span.span_id');
        sidE = r.len(end);
        sidS = r.pos;
        r.pos = sidE;
        break;
      case 3:
        r.expect(WIRE_LEN, 'Span.trace_state');
        traceState = r.string(end);
        break;
      case 4:
        r.expect(WIRE_LEN, 'Span.parent_span_id');
        pidE = r.len(end);
        pidS = r.pos;
        r.pos = pidE;
        break;
      case 5:
        r.expect(WIRE_LEN, 'Span.name');
        name = r.string(end);
        break;
      case 6:
        r.expect(WIRE_VARINT, 'Span.kind');
        kind = r.varint32();
        break;
      case 7:
        r.expect(WIRE_I64, 'Span.start_time_unix_nano');
        startLo = r.fixed64Lo();
        startHi = r.fixed64Hi();
        r.skip64();
        break;
      case 8:
        r.expect(WIRE_I64, 'Span.end_time_unix_nano');
        endLo = r.fixed64Lo();
        endHi = r.fixed64Hi();
        r.skip64();
        break;
      case 9:
        r.expect(WIRE_LEN, 'Span.attributes');
        readKeyValue(r, end, attributes, 0);
        break;
      case 11:
        r.expect(WIRE_LEN, 'Span.events');
        if (events === NO_EVENTS) events = [];
        events.push(readEvent(r, end));
        break;
      case 13: {
        r.expect(WIRE_LEN, 'Span.links');
        const link = readLink(r, end);
        if (typeof link === 'string') {
          if (linkProblem === '') linkProblem = `link ${links.length} ${link}`;
        } else {
          if (links === NO_LINKS) links = [];
          links.push(link);
        }
        break;
      }
      case 15: {
        r.expect(WIRE_LEN, 'Span.status');
        const stEnd = r.len(end);
        while (r.pos < stEnd) {
          const sf = r.tag();
          if (sf === 2) {
            r.expect(WIRE_LEN, 'Status.message');
            statusMessage = r.string(stEnd);
          } else if (sf === 3) {
            r.expect(WIRE_VARINT, 'Status.code');
            statusCode = r.varint32();
          } else r.skip(stEnd, sf);
        }
        r.endMessage(stEnd, 'Status');
        break;
      }
      case 10:
      case 12:
      case 14:
        r.expect(WIRE_VARINT, 'Span.dropped_*_count');
        r.varint32();
        break;
      case 16:
        r.expect(WIRE_I32, 'Span.flags');
        r.fixed32();
        break;
      default:
        r.skip(end, f);
    }
  }
  r.endMessage(end, 'Span');

  let problem = '';
  let p = idProblem(buf, tidS, tidE, 16);
  if (p !== '') problem = `trace_id ${p}`;
  else if ((p = idProblem(buf, sidS, sidE, 8)) !== '') problem = `span_id ${p}`;
  else if (pidE > pidS && (p = idProblem(buf, pidS, pidE, 8)) !== '') problem = `parent_span_id ${p}`;
  else if (kind > 5) problem = `kind ${kind} is not a SpanKind`;
  else if (statusCode > 2) problem = `status code ${statusCode} is not a StatusCode`;
  else if (linkProblem !== '') problem = linkProblem;
  if (problem !== '') {
    rej.reject(1, `span ${pi} of scope ${si} of resource ${ri}: ${problem}`);
    return null;
  }
  return {
    traceId: bytesToHex(buf, r.view, tidS, tidE),
    spanId: bytesToHex(buf, r.view, sidS, sidE),
    parentSpanId: pidE > pidS ? bytesToHex(buf, r.view, pidS, pidE) : '',
    traceState,
    name,
    kind,
    startTimeUnixMs: nanosToMs(startLo, startHi),
    // A span that ends before it starts (clock skew) is kept, as the
    // OpenTelemetry Collector keeps it, with a duration of 0.
    durationMs: Math.max(0, nanosDiffMs(startLo, startHi, endLo, endHi)),
    statusCode,
    statusMessage,
    attributes,
    events,
    links,
    protoAt: at,
    protoEnd: end,
  };
}

/** Span.Event { 1: time_unix_nano, 2: name, 3: attributes, 4: dropped }. */
function readEvent(r: ProtoReader, outerEnd: number): SpanEvent {
  const end = r.len(outerEnd);
  let timeUnixMs = 0;
  let name = '';
  const attributes: Attributes = {};
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_I64, 'Span.Event.time_unix_nano');
      timeUnixMs = nanosToMs(r.fixed64Lo(), r.fixed64Hi());
      r.skip64();
    } else if (f === 2) {
      r.expect(WIRE_LEN, 'Span.Event.name');
      name = r.string(end);
    } else if (f === 3) {
      r.expect(WIRE_LEN, 'Span.Event.attributes');
      readKeyValue(r, end, attributes, 0);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'Span.Event');
  return { timeUnixMs, name, attributes };
}

/** Span.Link { 1: trace_id, 2: span_id, 3: trace_state, 4: attributes, 5: dropped, 6: flags }; a string says why it is invalid. */
function readLink(r: ProtoReader, outerEnd: number): SpanLink | string {
  const end = r.len(outerEnd);
  const buf = r.buf;
  let tidS = 0, tidE = 0, sidS = 0, sidE = 0;
  const attributes: Attributes = {};
  while (r.pos < end) {
    const f = r.tag();
    if (f === 1) {
      r.expect(WIRE_LEN, 'Span.Link.trace_id');
      tidE = r.len(end);
      tidS = r.pos;
      r.pos = tidE;
    } else if (f === 2) {
      r.expect(WIRE_LEN, 'Span.Link.span_id');
      sidE = r.len(end);
      sidS = r.pos;
      r.pos = sidE;
    } else if (f === 4) {
      r.expect(WIRE_LEN, 'Span.Link.attributes');
      readKeyValue(r, end, attributes, 0);
    } else r.skip(end, f);
  }
  r.endMessage(end, 'Span.Link');
  let p = idProblem(buf, tidS, tidE, 16);
  if (p !== '') return `trace_id ${p}`;
  if ((p = idProblem(buf, sidS, sidE, 8)) !== '') return `span_id ${p}`;
  return { traceId: bytesToHex(buf, r.view, tidS, tidE), spanId: bytesToHex(buf, r.view, sidS, sidE), attributes };
}
