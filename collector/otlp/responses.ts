// Response bodies: Export{Trace,Metrics,Logs}ServiceResponse for success and
// partial success, google.rpc.Status for failures, in protobuf or OTLP/JSON.

export type Signal = 'traces' | 'metrics' | 'logs';
export type Encoding = 'proto' | 'json';

/** JSON name of the `rejected_*` field (field 1 of Export*PartialSuccess) per signal. */
const rejectedJsonKey: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

/**
 * Export<Signal>ServiceResponse { 1: partial_success { 1: rejected_<items> int64, 2: error_message } }.
 * partial_success is set only when something was rejected or there is a message, as the spec requires.
 * In JSON the int64 count is a decimal string (proto3 JSON mapping); zero fields are omitted.
 */
export function encodeExportResponse(signal: Signal, rejectedItems: number, message: string, encoding: Encoding): Uint8Array {
  const partial = rejectedItems > 0 || message !== '';
  if (encoding === 'json') {
    if (!partial) return utf8.encode('{}');
    const ps: Record<string, string> = {};
    if (rejectedItems > 0) ps[rejectedJsonKey[signal]] = String(rejectedItems);
    if (message !== '') ps.errorMessage = message;
    return utf8.encode(JSON.stringify({ partialSuccess: ps }));
  }
  if (!partial) return EMPTY;
  const inner: number[] = [];
  if (rejectedItems > 0) {
    inner.push(0x08);
    pushVarint(inner, rejectedItems);
  }
  if (message !== '') pushBytesField(inner, 2, utf8.encode(message));
  const out: number[] = [];
  pushBytesField(out, 1, inner);
  return Uint8Array.from(out);
}

/**
 * google.rpc.Status { 1: code int32, 2: message, 3: details } (details omitted).
 * `code` is a gRPC status code (3 = INVALID_ARGUMENT, 8 = RESOURCE_EXHAUSTED, ...).
 */
export function encodeRpcStatus(code: number, message: string, encoding: Encoding): Uint8Array {
  if (encoding === 'json') {
    const st: { code?: number; message?: string } = {};
    if (code !== 0) st.code = code;
    if (message !== '') st.message = message;
    return utf8.encode(JSON.stringify(st));
  }
  const out: number[] = [];
  if (code !== 0) {
    out.push(0x08);
    pushVarint(out, code >>> 0);
  }
  if (message !== '') pushBytesField(out, 2, utf8.encode(message));
  return Uint8Array.from(out);
}

function pushVarint(out: number[], v: number): void {
  // Works on numbers up to 2^64 without bit operators (which truncate to 32 bits).
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function pushBytesField(out: number[], field: number, bytes: ArrayLike<number>): void {
  pushVarint(out, (field << 3) | 2);
  pushVarint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}
