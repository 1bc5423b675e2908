import { z } from 'zod';
import { faultTypes } from '../faults/specs.ts';

// Experiment-wide settings (faultline.yaml, key `experiments:`). The only
// place their defaults live.
export const experimentsConfigSchema = z
  .object({
    /**
     * Weight of each fault type in the resilience score: a passed kill test
     * says more than a passed latency test. Defaults: kill 3, partition 3,
     * abort 2, disk-fill 2, latency 1, bandwidth 1, cpu 1.
     */
    resilienceWeights: z
      .record(z.enum(faultTypes), z.number().min(0))
      .default({ kill: 3, partition: 3, abort: 2, 'disk-fill': 2, latency: 1, bandwidth: 1, cpu: 1 }),
    /** Scheduled runs this process executes at once. Default 4. */
    workerConcurrency: z.number().int().min(1).max(64).default(4),
    /** Experiment files (YAML) scheduled at start-up (GitOps). Default: none. */
    dir: z.string().min(1).optional(),
  })
  .strict();

export type ExperimentsConfig = z.infer<typeof experimentsConfigSchema>;
