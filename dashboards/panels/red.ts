import { errorRatio, latencyQuantile, ratioOrZero, requestRate } from '../queries.ts';
import { promQuery, thresholds, timeseries } from './common.ts';

// RED panels over span metrics. `matchers` selects the spans; `by` is the
// label set each line stands for ("service_name", "span_name", ...).

export function requestRatePanel(matchers: string, by: string, legend: string) {
  return timeseries('Request rate', 'reqps').withTarget(promQuery(requestRate(matchers, by), legend));
}

export function errorRatioPanel(matchers: string, by: string, legend: string) {
  return timeseries('Error ratio', 'percentunit')
    .thresholds(thresholds(0.01, 0.05))
    .withTarget(promQuery(errorRatio(matchers, by), legend));
}

export function latencyPanel(matchers: string, by: string, legend: string) {
  return timeseries('Latency p50 / p95 / p99', 's')
    .thresholds(thresholds(0.3, 1))
    .withTarget(promQuery(latencyQuantile(0.5, matchers, by), `p50 ${legend}`, 'A'))
    .withTarget(promQuery(latencyQuantile(0.95, matchers, by), `p95 ${legend}`, 'B'))
    .withTarget(promQuery(latencyQuantile(0.99, matchers, by), `p99 ${legend}`, 'C'));
}

// Per instance, from the HTTP server duration histogram the instances' own
// OpenTelemetry instrumentation reports (http.server.request.duration),
// which carries job/instance; span metrics are per service.
const HTTP = 'http_server_request_duration_seconds';
const JOB = 'job=~"(.*/)?$service"';

export function instanceRatePanel() {
  return timeseries('Request rate per instance', 'reqps').withTarget(
    promQuery(`sum by (instance) (rate(${HTTP}_count{${JOB}}[$__rate_interval]))`, '{{instance}}'),
  );
}

export function instanceErrorRatioPanel() {
  return timeseries('5xx ratio per instance', 'percentunit')
    .thresholds(thresholds(0.01, 0.05))
    .withTarget(
      promQuery(
        ratioOrZero(
          `sum by (instance) (rate(${HTTP}_count{${JOB}, http_response_status_code=~"5.."}[$__rate_interval]))`,
          `sum by (instance) (rate(${HTTP}_count{${JOB}}[$__rate_interval]))`,
        ),
        '{{instance}}',
      ),
    );
}

export function instanceLatencyPanel() {
  return timeseries('Latency p99 per instance', 's')
    .thresholds(thresholds(0.3, 1))
    .withTarget(promQuery(`histogram_quantile(0.99, sum by (le, instance) (rate(${HTTP}_bucket{${JOB}}[$__rate_interval])))`, 'p99 {{instance}}'));
}
