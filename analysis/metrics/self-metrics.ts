import { Counter, Gauge, type Registry } from 'prom-client';

// The OTLP metrics exposition's own metrics.
export function otlpMetricsSelfMetrics(registry: Registry, seriesCount: () => number) {
  return {
    droppedPoints: new Counter({
      name: 'faultline_otlp_metrics_dropped_points_total',
      help: 'OTLP metric data points not re-exposed on /metrics, by reason (series_limit, name_conflict, reserved_name, invalid_name, out_of_order, bounds_changed)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    series: new Gauge({
      name: 'faultline_otlp_metrics_series',
      help: 'Prometheus series currently kept from ingested OTLP metrics',
      registers: [registry],
      collect() {
        this.set(seriesCount());
      },
    }),
  };
}
