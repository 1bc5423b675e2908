import { promQuery, thresholds, timeseries } from './common.ts';

// USE of a service's instances from the OTLP metrics Faultline re-exposes
// (OpenTelemetry-to-Prometheus names: unit suffixes, `job` is
// [namespace/]service and `instance` is service.instance.id).

const JOB = 'job=~"(.*/)?$service"';

/**
 * A utilisation gauge under both names it reaches Prometheus with: unit "1"
 * (as the semantic conventions, the Collector's hostmetrics receiver and most
 * SDKs send it) gets `_ratio` appended; the JavaScript host-metrics package
 * sends no unit, so no suffix.
 */
function utilization(name: string, matchers: string): string {
  return `{__name__=~"${name}(_ratio)?", ${matchers}}`;
}

/** The same selector for each label the state may come under (semconv old and new, Collector). */
function inState(name: string, labels: string[], state: string): string {
  return labels.map((label) => utilization(name, `${JOB}, ${label}="${state}"`)).join(' or ');
}

export function usePanels() {
  return [
    timeseries('CPU utilisation (process)', 'percentunit')
      .max(1)
      .thresholds(thresholds(0.7, 0.9))
      .withTarget(promQuery(`sum by (instance) (${utilization('process_cpu_utilization', JOB)})`, '{{instance}}')),
    timeseries('Memory (heap used)', 'bytes')
      .withTarget(promQuery(`sum by (instance) (v8js_memory_heap_used_bytes{${JOB}})`, '{{instance}}')),
    timeseries('Saturation: event-loop delay p99', 's')
      .thresholds(thresholds(0.05, 0.2))
      .withTarget(promQuery(`max by (instance) (nodejs_eventloop_delay_p99_seconds{${JOB}})`, '{{instance}}')),
    timeseries('Host CPU utilisation', 'percentunit')
      .max(1)
      .withTarget(promQuery(`1 - avg by (instance) (${inState('system_cpu_utilization', ['system_cpu_state', 'cpu_mode', 'state'], 'idle')})`, '{{instance}}')),
    timeseries('Host memory utilisation', 'percentunit')
      .max(1)
      .withTarget(promQuery(`max by (instance) (${inState('system_memory_utilization', ['system_memory_state', 'state'], 'used')})`, '{{instance}}')),
    timeseries('Errors: network', 'ops')
      .withTarget(promQuery(`sum by (instance) (rate(system_network_errors_total{${JOB}}[$__rate_interval]))`, '{{instance}}')),
  ];
}
