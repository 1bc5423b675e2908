import { SpanKind, StatusCode } from '../../model/trace.ts';

// Label values as the spanmetrics connector writes them (the proto enum names).
export const SPAN_KIND_LABEL: Record<SpanKind, string> = {
  [SpanKind.Unspecified]: 'SPAN_KIND_UNSPECIFIED',
  [SpanKind.Internal]: 'SPAN_KIND_INTERNAL',
  [SpanKind.Server]: 'SPAN_KIND_SERVER',
  [SpanKind.Client]: 'SPAN_KIND_CLIENT',
  [SpanKind.Producer]: 'SPAN_KIND_PRODUCER',
  [SpanKind.Consumer]: 'SPAN_KIND_CONSUMER',
};

export const STATUS_CODE_LABEL: Record<StatusCode, string> = {
  [StatusCode.Unset]: 'STATUS_CODE_UNSET',
  [StatusCode.Ok]: 'STATUS_CODE_OK',
  [StatusCode.Error]: 'STATUS_CODE_ERROR',
};

/**
 * The status label for a span. A span our error rule counts as failed (an
 * unset-status server span with HTTP >= 500 or a gRPC error, see
 * span-error.ts) is exported as STATUS_CODE_ERROR, so Prometheus rules over
 * `status_code="STATUS_CODE_ERROR"` count exactly the errors the SLO engine does.
 */
export function statusLabel(statusCode: StatusCode, isError: boolean): string {
  return isError ? STATUS_CODE_LABEL[StatusCode.Error] : (STATUS_CODE_LABEL[statusCode] ?? STATUS_CODE_LABEL[StatusCode.Unset]);
}

export function spanKindLabel(kind: SpanKind): string {
  return SPAN_KIND_LABEL[kind] ?? SPAN_KIND_LABEL[SpanKind.Unspecified];
}
