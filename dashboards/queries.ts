// PromQL over the metric names Faultline exports (compatible with the
// OpenTelemetry Collector's spanmetrics and servicegraph connectors), so the
// same queries work on data from either.

export const RATE = '$__rate_interval';

/** Label matchers for server spans of the services selected in `$service`. */
export function serverSpans(service = '$service'): string {
  return `service_name=~"${service}", span_kind="SPAN_KIND_SERVER"`;
}

export function requestRate(matchers: string, by: string): string {
  return `sum by (${by}) (rate(traces_span_metrics_calls_total{${matchers}}[${RATE}]))`;
}

/**
 * `part / total`, where series with no `part` at all read 0 rather than
 * vanish (a service without errors has an error ratio of 0, not none).
 */
export function ratioOrZero(part: string, total: string): string {
  return `(${part} or ${total} * 0) / ${total}`;
}

export function errorRatio(matchers: string, by: string): string {
  return ratioOrZero(
    `sum by (${by}) (rate(traces_span_metrics_calls_total{${matchers}, status_code="STATUS_CODE_ERROR"}[${RATE}]))`,
    `sum by (${by}) (rate(traces_span_metrics_calls_total{${matchers}}[${RATE}]))`,
  );
}

/** Latency quantile in seconds from the span duration histogram. */
export function latencyQuantile(quantile: number, matchers: string, by: string): string {
  return `histogram_quantile(${quantile}, sum by (le, ${by}) (rate(traces_span_metrics_duration_seconds_bucket{${matchers}}[${RATE}])))`;
}

export function edgeRate(matchers: string): string {
  return `sum by (client, server) (rate(traces_service_graph_request_total{${matchers}}[${RATE}]))`;
}

export function edgeErrorRatio(matchers: string): string {
  return ratioOrZero(
    `sum by (client, server) (rate(traces_service_graph_request_failed_total{${matchers}}[${RATE}]))`,
    `sum by (client, server) (rate(traces_service_graph_request_total{${matchers}}[${RATE}]))`,
  );
}

export function edgeLatencyQuantile(quantile: number, matchers: string): string {
  return `histogram_quantile(${quantile}, sum by (le, client, server) (rate(traces_service_graph_request_server_seconds_bucket{${matchers}}[${RATE}])))`;
}

/** 1 while a chaos experiment has faults applied (issue: chaos experiments). */
export const CHAOS_ACTIVE = 'faultline_chaos_experiment_active';
