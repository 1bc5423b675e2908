// Every Redis key the SLO part uses, built here and nowhere else.
export const sloKeys = {
  /** Hash per SLO: f<bucket> (10 s) / c<bucket> (5 min) -> "bad total". */
  buckets: (prefix: string, slo: string) => `${prefix}slo:buckets:${slo}`,
  /** Set: SLO names that have a buckets hash (to drop those of SLOs that are gone). */
  bucketIndex: (prefix: string) => `${prefix}slo:bucket-slos`,
  /** String: JSON of the alert states (AlertTrackerSnapshot). */
  alerts: (prefix: string) => `${prefix}slo:alerts`,
  /** Hash: savedAtMs of the last checkpoint. */
  meta: (prefix: string) => `${prefix}slo:checkpoint`,
  /** Hash: SLO name -> spec JSON, for SLOs created through the API. */
  apiSpecs: (prefix: string) => `${prefix}slo:api-specs`,
};

export const NOTIFY_QUEUE = 'faultline-slo-notify';
