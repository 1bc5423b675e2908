import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { parseDurationMs } from '../../platform/duration.ts';
import { describeZodError } from '../../platform/config/load.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { faultSpecSchema } from '../faults/specs.ts';
import { int, num, str } from '../faults/schema-helpers.ts';

// The Experiment document (YAML or JSON). This file is the only place
// experiment defaults live. Errors name the key: `spec.targets.selection.mode: ...`.

const duration = (what: string) =>
  z.string({ error: `expected a duration such as 30s, 5m or 1h` }).refine((v) => parseDurationMs(v) !== undefined, {
    error: `expected a duration such as 30s, 5m or 1h (${what})`,
  });

export const signals = ['rate_rps', 'error_ratio', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms'] as const;
export type Signal = (typeof signals)[number];

const sloCheck = z
  .object({
    /** SLO name, as in `faultline slo status`. */
    slo: str(),
    /** The check holds while the SLO's burn rate over `window` stays below this. */
    maxBurnRate: num().gt(0, { error: 'must be more than 0' }),
    /** Burn-rate window. Default 5m. */
    window: z.enum(['5m', '30m', '1h', '2h', '6h', '1d', '3d'], { error: 'expected one of 5m, 30m, 1h, 2h, 6h, 1d, 3d' }).default('5m'),
  })
  .strict();

const signalCheck = z
  .object({
    service: str(),
    signal: z.enum(signals, { error: `expected one of ${signals.join(', ')}` }),
    /** Restrict to one operation (span name). Default: the whole service. */
    operation: str().optional(),
    /** Holds while the signal is below this value. */
    below: num().optional(),
    /** Holds while the signal is above this value. */
    above: num().optional(),
    /** Window the signal is averaged over. Default 30s. */
    window: duration('window').default('30s'),
  })
  .strict()
  .refine((c) => c.below !== undefined || c.above !== undefined, { error: 'give below, above or both' });

const probeCheck = z
  .object({
    /** URL to GET; the check holds when it answers `expectStatus` within `timeoutMs`. */
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
    expectStatus: int().min(100).max(599).default(200),
    timeoutMs: int().min(1).default(2000),
  })
  .strict();

export type Check =
  | { sloBurnRate: z.output<typeof sloCheck> }
  | { signal: z.output<typeof signalCheck> }
  | { httpProbe: z.output<typeof probeCheck> };
const checkKinds = ['sloBurnRate', 'signal', 'httpProbe'] as const;

/**
 * A check is an object with exactly one of the three keys. The key present
 * chooses the kind, so an error inside it names its own field
 * (`hypothesis.0.signal.signal: expected one of ...`); a union would only
 * say that none of the kinds matched.
 */
export const checkSchema = z
  .object(
    { sloBurnRate: sloCheck.optional(), signal: signalCheck.optional(), httpProbe: probeCheck.optional() },
    { error: `expected an object with one of ${checkKinds.join(', ')}` },
  )
  .strict()
  .superRefine((c, ctx) => {
    const given = checkKinds.filter((k) => c[k] !== undefined);
    if (given.length === 0) ctx.addIssue({ code: 'custom', message: `expected one of ${checkKinds.join(', ')}` });
    if (given.length > 1) ctx.addIssue({ code: 'custom', message: `give one kind per check, not ${given.join(' and ')}` });
  })
  .transform((c): Check => (c.sloBurnRate ? { sloBurnRate: c.sloBurnRate } : c.signal ? { signal: c.signal } : { httpProbe: c.httpProbe! }));

export const selectionModes = ['one', 'all', 'fixed', 'percent', 'random-max-percent'] as const;

const selectionSchema = z
  .object({
    /**
     * one: a single instance; all: every instance; fixed: `value` instances;
     * percent: floor(value% of the instances); random-max-percent: a random
     * number between 1 and floor(value% of the instances). Never more than asked.
     */
    mode: z.enum(selectionModes, { error: `expected one of ${selectionModes.join(', ')}` }).default('one'),
    value: num().min(0, { error: 'must be at least 0' }).optional(),
    /** Progressive runs: percentages to widen through while the hypothesis holds, e.g. [10, 20, 34]. */
    steps: z.array(num().gt(0).max(100)).min(1).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.mode === 'fixed' || s.mode === 'percent' || s.mode === 'random-max-percent') && s.value === undefined && !s.steps) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `required for mode ${s.mode}` });
    }
    if (s.mode === 'fixed' && s.value !== undefined && !Number.isInteger(s.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'expected a whole number of instances' });
    }
    if ((s.mode === 'percent' || s.mode === 'random-max-percent') && s.value !== undefined && s.value > 100) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be at most 100 (percent)' });
    }
    if ((s.mode === 'one' || s.mode === 'all') && s.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `not used by mode ${s.mode}; remove it, or use mode fixed or percent` });
    }
    if (s.steps && s.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'give either value or steps (steps are percentages of the instances)' });
    }
    if (s.steps && s.steps.some((v, i) => i > 0 && v <= s.steps![i - 1])) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'must increase' });
    }
  });

const targetsSchema = z
  .object({
    /** The service whose instances are targeted. */
    service: str(),
    /** Only these instances (service.instance.id / scenario instance names). Default: all of the service's. */
    instances: z.array(str()).min(1).optional(),
    /** Only instances with these labels. */
    labels: z.record(z.string(), z.string()).optional(),
    selection: selectionSchema.default({ mode: 'one' }),
  })
  .strict();

const scheduleSchema = z
  .object({
    /** Standard 5-field cron (or 6 with seconds), in UTC unless `timezone` is set; checked with BullMQ's parser (cron-parser). */
    cron: str(),
    /** IANA time zone of the cron, e.g. Europe/Berlin. Default UTC. */
    timezone: str().optional(),
    /** Forbid (default): skip a run while the previous one is still going. Allow: run anyway. */
    concurrencyPolicy: z.enum(['Forbid', 'Allow'], { error: 'expected Forbid or Allow' }).default('Forbid'),
    /** A run that cannot start within this many seconds of its slot is skipped. Default 60. */
    startingDeadlineSeconds: int().min(1).default(60),
    /** Finished runs kept in history. Default 10. */
    historyLimit: int().min(1).max(1000).default(10),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = scheduleProblem(s.cron, s.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
  });

/**
 * What BullMQ would refuse (or choke on) when it schedules the cron, found
 * while validating: the same parser (cron-parser) with the same options.
 */
export function scheduleProblem(cron: string, timezone: string | undefined): { key: 'cron' | 'timezone'; message: string } | undefined {
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      return { key: 'timezone', message: `unknown time zone "${timezone}" (expected an IANA name such as UTC or Europe/Berlin)` };
    }
  }
  try {
    CronExpressionParser.parse(cron, { currentDate: new Date(), ...(timezone ? { tz: timezone } : {}) }).next();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (timezone !== undefined && text.startsWith('CronDate')) return { key: 'timezone', message: `time zone "${timezone}" is not usable for schedules: ${text}` };
    return { key: 'cron', message: `not a valid cron expression "${cron}": ${text} (expected 5 fields, or 6 with seconds first, e.g. "*/30 * * * *")` };
  }
  return undefined;
}

const abortSchema = z
  .object({
    /** Abort when any of these SLOs has a firing alert of this severity (page by default). */
    sloAlerts: z.array(z.object({ slo: str(), severity: z.enum(['page', 'ticket']).default('page') }).strict()).default([]),
    /** Further checks that abort the run when they stop holding. */
    checks: z.array(checkSchema).default([]),
  })
  .strict();

export const experimentSchema = z
  .object({
    apiVersion: z.literal('faultline.dev/v1', { error: 'expected faultline.dev/v1' }),
    kind: z.literal('Experiment', { error: 'expected Experiment' }),
    metadata: z
      .object({
        name: str().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'expected a lowercase DNS-style name' }).max(100),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    spec: z
      .object({
        description: z.string().default(''),
        hypothesis: z.array(checkSchema).default([]),
        targets: targetsSchema,
        fault: faultSpecSchema,
        /** How long faults stay applied. */
        duration: duration('duration'),
        /** How often the hypothesis and abort conditions are watched. Default 5s. */
        checkInterval: duration('checkInterval').default('5s'),
        /** Lease of each applied fault; renewed while the run is healthy. Default 15s. */
        leaseTtl: duration('leaseTtl').default('15s'),
        schedule: scheduleSchema.optional(),
        abort: abortSchema.default({ sloAlerts: [], checks: [] }),
      })
      .strict(),
  })
  .strict();

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type Selection = Experiment['spec']['targets']['selection'];

/** Validates an experiment document; the error lists every bad key. */
export function parseExperiment(input: unknown, source = 'experiment'): Experiment {
  const result = experimentSchema.safeParse(input);
  if (!result.success) {
    throw new FaultlineError(ErrorCode.InvalidInput, `invalid experiment (${source}):\n${describeZodError(result.error, '  ')}`);
  }
  return result.data;
}

export function durationMs(text: string): number {
  return parseDurationMs(text) ?? 0;
}
