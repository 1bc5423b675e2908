import { z } from 'zod';
import { faultTypes, type FaultType } from '../faults/specs.ts';

// Experiment-wide settings (faultline.yaml, key `experiments:`). The only
// place their defaults live.

/** Default weight of each fault type in the resilience score. */
const DEFAULT_RESILIENCE_WEIGHTS: Record<FaultType, number> = { kill: 3, partition: 3, abort: 2, 'disk-fill': 2, latency: 1, bandwidth: 1, cpu: 1 };

export const experimentsConfigSchema = z
  .object({
    /**
     * Weight of each fault type in the resilience score: a passed kill test
     * says more than a passed latency test. The types given replace their
     * defaults; the others keep them: kill 3, partition 3, abort 2,
     * disk-fill 2, latency 1, bandwidth 1, cpu 1.
     */
    resilienceWeights: z
      .partialRecord(z.enum(faultTypes, { error: `expected one of ${faultTypes.join(', ')}` }), z.number().min(0))
      .default({})
      .transform((given): Record<FaultType, number> => ({ ...DEFAULT_RESILIENCE_WEIGHTS, ...given })),
    /** Scheduled runs this process executes at once. Default 4. */
    workerConcurrency: z.number().int().min(1).max(64).default(4),
    /** Experiment files (YAML) scheduled at start-up (GitOps). Default: none. */
    dir: z.string().min(1).optional(),
  })
  .strict();

export type ExperimentsConfig = z.infer<typeof experimentsConfigSchema>;
