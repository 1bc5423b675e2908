// A google.rpc.Status carrying a google.rpc.RetryInfo detail, as the OTLP
// specification asks for when the server is overloaded ("Throttling"). The
// codec's encodeRpcStatus has no details, so this tiny writer adds the one
// detail the collector sends. Field numbers from google/rpc/status.proto,
// google/rpc/error_details.proto, google/protobuf/{any,duration}.proto.

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array | number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** Protobuf google.rpc.Status{code, message, details: [Any(RetryInfo{retry_delay})]} */
export function encodeRetryStatusProto(code: number, message: string, retryDelaySeconds: number): Uint8Array {
  const duration = retryDelaySeconds > 0 ? [...varint(1 << 3), ...varint(retryDelaySeconds)] : [];
  const retryInfo = lengthDelimited(1, duration);
  const any = [...lengthDelimited(1, Buffer.from(RETRY_INFO_TYPE_URL)), ...lengthDelimited(2, retryInfo)];
  const status = [...varint(1 << 3), ...varint(code), ...lengthDelimited(2, Buffer.from(message)), ...lengthDelimited(3, any)];
  return Uint8Array.from(status);
}

/** The same Status in the protobuf JSON mapping (Any with "@type", Duration as "1s"). */
export function encodeRetryStatusJson(code: number, message: string, retryDelaySeconds: number): Uint8Array {
  return Buffer.from(JSON.stringify({
    code,
    message,
    details: [{ '@type': RETRY_INFO_TYPE_URL, retryDelay: `${retryDelaySeconds}s` }],
  }));
}
