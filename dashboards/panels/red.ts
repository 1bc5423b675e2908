import { errorRatio, latencyQuantile, requestRate } from '../queries.ts';
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
