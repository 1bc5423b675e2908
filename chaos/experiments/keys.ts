// Redis keys of experiments and runs, built here only.
const PREFIX = 'faultline:chaos';

export const chaosKeys = {
  /** STRING JSON RunRecord. */
  run: (id: string) => `${PREFIX}:run:${id}`,
  /** STRING with a PX lease: present while the process running the run is alive. */
  runOwner: (id: string) => `${PREFIX}:run:${id}:owner`,
  /** ZSET runId -> created (ms): every run. */
  runs: `${PREFIX}:runs`,
  /** ZSET runId -> created (ms): runs of one experiment (history trimmed to historyLimit). */
  experimentRuns: (name: string) => `${PREFIX}:experiment:${name}:runs`,
  /** HASH name -> JSON experiment: scheduled experiments. */
  experiments: `${PREFIX}:experiments`,
  /** STRING: halt generation; a change halts every run started before it. */
  haltAll: `${PREFIX}:halt:all`,
  /** STRING: who asked for the latest global halt (the token name). */
  haltAllBy: `${PREFIX}:halt:all:by`,
  /** STRING: present when one run was asked to halt (value: who). */
  haltRun: (id: string) => `${PREFIX}:halt:run:${id}`,
  /** HASH runId -> JSON {experiment, fault, service}: runs with faults applied now (for the metric). */
  active: `${PREFIX}:active`,
};
