import { attrNumber, attrString } from '../model/attributes.ts';
import { SpanKind, StatusCode, type Span } from '../model/trace.ts';

/**
 * Whether a span counts as an error for RED and SLOs: status ERROR; or, for a
 * server span whose instrumentation left the status unset, an HTTP status
 * >= 500 or a gRPC status other than OK (0).
 */
export function isErrorSpan(span: Span): boolean {
  if (span.statusCode === StatusCode.Error) return true;
  if (span.statusCode !== StatusCode.Unset || span.kind !== SpanKind.Server) return false;
  const http = attrNumber(span.attributes, 'http.response.status_code') ?? attrNumber(span.attributes, 'http.status_code');
  if (http !== undefined && http >= 500) return true;
  const grpc = attrNumber(span.attributes, 'rpc.grpc.status_code') ?? grpcFromString(attrString(span.attributes, 'rpc.grpc.status_code'));
  return grpc !== undefined && grpc !== 0;
}

function grpcFromString(v: string | undefined): number | undefined {
  return v === undefined ? undefined : v === 'OK' ? 0 : 2;
}
