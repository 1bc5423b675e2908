import { z } from 'zod';
import { parseDurationMs } from '../../platform/duration.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected HH:MM (24 h)' });
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

// The blast-radius policy (faultline.yaml, key `governor:`). This file is the
// only place its defaults live.
export const governorConfigSchema = z
  .object({
    /** Experiments with faults applied at once, across every scheduler. Default 3. */
    maxConcurrentExperiments: z.number().int().min(1).default(3),
    /**
     * Share of any service's instances that may be under faults at the same
     * time, across all experiments, in percent; the allowed count is rounded
     * down. Default 34 (the one-third rule: 1 of 3, 3 of 10).
     */
    maxInstancePercent: z.number().gt(0).max(100).default(34),
    /** Services that are never targeted. Default none. */
    protectedServices: z.array(z.string().min(1)).default([]),
    /**
     * When experiments may run (UTC). Empty (default) = any time. Example:
     * [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }].
     */
    allowedWindows: z
      .array(z.object({ days: z.array(z.enum(weekdays)).min(1).default([...weekdays]), start: hhmm, end: hhmm }).strict())
      .default([]),
    /** Longest fault duration an experiment may ask for. Default 30m. */
    maxDuration: z
      .string()
      .refine((v) => parseDurationMs(v) !== undefined, { error: 'expected a duration such as 30m' })
      .default('30m'),
  })
  .strict();

export type GovernorConfig = z.infer<typeof governorConfigSchema>;
