// Names of the SLO engine's series on /metrics (analysis/slo), in one place
// so the dashboards follow the engine if it renames them.
export const SLO_METRICS = {
  objective: 'faultline_slo_objective_ratio',
  errorRatio: 'faultline_slo_error_ratio',
  burnRate: 'faultline_slo_burn_rate',
  budgetRemaining: 'faultline_slo_error_budget_remaining_ratio',
  timeToExhaustion: 'faultline_slo_time_to_exhaustion_seconds',
  /** Gauge per slo, severity and state (pending, firing). */
  alerts: 'faultline_slo_alerts_active',
} as const;
