// Redis keys of the blast-radius governor. The `{governor}` hash tag keeps
// them in one slot, so the admission script stays atomic on a cluster too.
const PREFIX = 'faultline:{governor}';

export const governorKeys = {
  /** ZSET runId -> lease expiry (ms): experiments holding faults. */
  runs: `${PREFIX}:runs`,
  /** ZSET "instance\u0000runId" -> lease expiry (ms): instances of a service under faults. */
  service: (service: string) => `${PREFIX}:service:${service}`,
  /** HASH runId -> service, to find a run's entries on release. */
  held: `${PREFIX}:held`,
};
