// Every Redis key the SLO part uses, built here and nowhere else.
export const sloKeys = {
  /** Hash: SLO name -> JSON of its event buckets (EventWindowsSnapshot). */
  events: (prefix: string) => `${prefix}slo:events`,
  /** String: JSON of the alert states (AlertTrackerSnapshot). */
  alerts: (prefix: string) => `${prefix}slo:alerts`,
  /** Hash: savedAtMs of the last checkpoint. */
  meta: (prefix: string) => `${prefix}slo:checkpoint`,
  /** Hash: SLO name -> spec JSON, for SLOs created through the API. */
  apiSpecs: (prefix: string) => `${prefix}slo:api-specs`,
};

export const NOTIFY_QUEUE = 'faultline-slo-notify';
