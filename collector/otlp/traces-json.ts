import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TraceBatch } from '../../model/trace.ts';
import { hexIdProblem } from './hex.ts';
import { arr, attributes, enumValue, field, hexId, obj, parseJsonBody, resource, scope, str, uint64LoHi, type Json } from './json-common.ts';
import { nanosDiffMs, nanosToMs } from './nanos.ts';
import { Rejections, type Decoded } from './rejections.ts';

// OTLP/JSON ExportTraceServiceRequest into the model, with the same span
// rules as the protobuf decoder (traces-proto.ts).

const KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

export function decodeTracesJson(body: Uint8Array | string, receivedAtMs: number): Decoded<TraceBatch> {
  const root = parseJsonBody(body);
  const rej = new Rejections('spans');
  const resourceSpans: ResourceSpans[] = [];
  let spanCount = 0;
  const rsList = arr(field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  for (let ri = 0; ri < rsList.length; ri++) {
    const rPath = `resourceSpans[${ri}]`;
    const rs = obj(rsList[ri], rPath);
    if (rs === undefined) continue;
    const scopeSpans: ScopeSpans[] = [];
    const ssList = arr(field(rs, 'scopeSpans', 'scope_spans'), `${rPath}.scopeSpans`);
    for (let si = 0; si < ssList.length; si++) {
      const sPath = `${rPath}.scopeSpans[${si}]`;
      const ss = obj(ssList[si], sPath);
      if (ss === undefined) continue;
      const spans: Span[] = [];
      const spanList = arr(ss.spans, `${sPath}.spans`);
      for (let pi = 0; pi < spanList.length; pi++) {
        const span = readSpan(obj(spanList[pi], `${sPath}.spans[${pi}]`) ?? {}, `${sPath}.spans[${pi}]`, rej, `span ${pi} of scope ${si} of resource ${ri}`);
        if (span !== null) spans.push(span);
        else rej.dropItem(spanList, pi);
      }
      if (spans.length > 0) scopeSpans.push({ scope: scope(ss.scope, `${sPath}.scope`), spans });
      spanCount += spans.length;
    }
    if (scopeSpans.length > 0) resourceSpans.push({ resource: resource(rs.resource, `${rPath}.resource`), scopeSpans });
  }
  return rej.result({ resourceSpans, spanCount, receivedAtMs }, { json: root });
}

function readSpan(s: Json, path: string, rej: Rejections, where: string): Span | null {
  const traceId = hexId(field(s, 'traceId', 'trace_id'), `${path}.traceId`);
  const spanId = hexId(field(s, 'spanId', 'span_id'), `${path}.spanId`);
  const parentSpanId = hexId(field(s, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`);
  const kind = enumValue(s.kind, KINDS, `${path}.kind`);
  const [startLo, startHi] = uint64LoHi(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`);
  const [endLo, endHi] = uint64LoHi(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`);
  const status = obj(s.status, `${path}.status`) ?? {};
  const statusCode = enumValue(status.code, STATUS_CODES, `${path}.status.code`);
  const events: SpanEvent[] = arr(s.events, `${path}.events`).map((v, i) => {
    const e = obj(v, `${path}.events[${i}]`) ?? {};
    const [lo, hi] = uint64LoHi(field(e, 'timeUnixNano', 'time_unix_nano'), `${path}.events[${i}].timeUnixNano`);
    return { timeUnixMs: nanosToMs(lo, hi), name: str(e.name, `${path}.events[${i}].name`), attributes: attributes(e.attributes, `${path}.events[${i}].attributes`) };
  });
  const links: SpanLink[] = [];
  let problem = '';
  const linkList = arr(s.links, `${path}.links`);
  for (let i = 0; i < linkList.length; i++) {
    const l = obj(linkList[i], `${path}.links[${i}]`) ?? {};
    const link = {
      traceId: hexId(field(l, 'traceId', 'trace_id'), `${path}.links[${i}].traceId`),
      spanId: hexId(field(l, 'spanId', 'span_id'), `${path}.links[${i}].spanId`),
      attributes: attributes(l.attributes, `${path}.links[${i}].attributes`),
    };
    let p = hexIdProblem(link.traceId, 16);
    if (p !== '' && problem === '') problem = `link ${i} trace_id ${p}`;
    else if ((p = hexIdProblem(link.spanId, 8)) !== '' && problem === '') problem = `link ${i} span_id ${p}`;
    links.push(link);
  }
  const span: Span = {
    traceId,
    spanId,
    parentSpanId,
    traceState: str(field(s, 'traceState', 'trace_state'), `${path}.traceState`),
    name: str(s.name, `${path}.name`),
    kind,
    startTimeUnixMs: nanosToMs(startLo, startHi),
    // A span that ends before it starts (clock skew) is kept, as the
    // OpenTelemetry Collector keeps it, with a duration of 0.
    durationMs: Math.max(0, nanosDiffMs(startLo, startHi, endLo, endHi)),
    statusCode,
    statusMessage: str(status.message, `${path}.status.message`),
    attributes: attributes(s.attributes, `${path}.attributes`),
    events,
    links,
  };
  let p = hexIdProblem(traceId, 16);
  if (p !== '') problem = `trace_id ${p}`;
  else if ((p = hexIdProblem(spanId, 8)) !== '') problem = `span_id ${p}`;
  else if (parentSpanId !== '' && (p = hexIdProblem(parentSpanId, 8)) !== '') problem = `parent_span_id ${p}`;
  else if (kind < 0 || kind > 5) problem = `kind ${kind} is not a SpanKind`;
  else if (statusCode < 0 || statusCode > 2) problem = `status code ${statusCode} is not a StatusCode`;
  if (problem !== '') {
    rej.reject(1, `${where}: ${problem}`);
    return null;
  }
  return span;
}
