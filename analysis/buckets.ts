// Default duration histogram bucket upper bounds in milliseconds, shared by
// span metrics (RED), the service graph and the SLO engine. They extend the
// OpenTelemetry spanmetrics connector's defaults so the common SLO latency
// thresholds (50, 100, 200, 300, 500 ms, 1 s) are all bucket edges.
export const DEFAULT_DURATION_BUCKETS_MS: readonly number[] = [
  2, 4, 6, 8, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 800, 1000, 1400, 2000, 2500, 5000, 10000, 15000,
];
