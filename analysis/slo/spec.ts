import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_DURATION_BUCKETS_MS } from '../buckets.ts';
import { describeZodError } from '../../platform/config/load.ts';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import { parseDurationMs } from '../../platform/duration.ts';

// The SLO spec: what a YAML file in --slo-dir or a POST /api/v1/slos body
// holds. Defaults for a spec live here (the SRE Workbook's alerting policy,
// the 30-day window); the part's own settings live in ./config.ts.

const duration = z.string().refine((s) => parseDurationMs(s) !== undefined, {
  message: 'expected a duration like 30s, 5m, 1h, 30d',
});

const labelMap = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are [a-zA-Z_][a-zA-Z0-9_]*'), z.string());

const availabilitySli = z.object({
  kind: z.literal('availability'),
  /** Span names to count; default: every server span of the service. */
  operations: z.array(z.string().min(1)).min(1).optional(),
}).strict();

const latencySli = z.object({
  kind: z.literal('latency'),
  /** A span slower than this is a bad event. Must be a duration-bucket edge. */
  thresholdMs: z.number().positive(),
  operations: z.array(z.string().min(1)).min(1).optional(),
}).strict();

const metricSelector = z.object({
  /** An ingested OTLP sum (counter) metric name. */
  metric: z.string().min(1),
  /** Data point (or resource) attributes that must match exactly. Default: none. */
  labels: z.record(z.string(), z.string()).default({}),
  /**
   * The counter's name in Prometheus, for `faultline slo rules`. Default: the
   * metric name with invalid characters as "_" and "_total" appended.
   */
  prometheusName: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a Prometheus metric name').optional(),
}).strict();

const ratioSli = z.object({
  kind: z.literal('ratio'),
  /** Exactly one of good or bad: the events counted against total. */
  good: metricSelector.optional(),
  bad: metricSelector.optional(),
  total: metricSelector,
}).strict().refine((r) => (r.good === undefined) !== (r.bad === undefined), {
  message: 'give exactly one of good or bad',
});

export const sliSchema = z.discriminatedUnion('kind', [availabilitySli, latencySli, ratioSli]);

const burnWindowPair = z.object({
  /** Burn-rate multiplier both windows must exceed. */
  burnRate: z.number().positive(),
  longWindow: duration,
  shortWindow: duration,
}).strict();

const severityPolicy = z.object({
  /** Any pair whose two windows both burn faster than its multiplier fires the alert. */
  windows: z.array(burnWindowPair).min(1),
  /** How long the condition must hold before pending becomes firing. Default 0s (fires at once, as Sloth's rules). */
  for: duration.optional(),
}).strict();

// SRE Workbook, chapter 5, table 5-8.
export const DEFAULT_PAGE_WINDOWS = [
  { burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
  { burnRate: 6, longWindow: '6h', shortWindow: '30m' },
];
export const DEFAULT_TICKET_WINDOWS = [
  { burnRate: 3, longWindow: '1d', shortWindow: '2h' },
  { burnRate: 1, longWindow: '3d', shortWindow: '6h' },
];

const alertingSchema = z.object({
  /** Alert name for the Prometheus rules and notifications. Default: <Name>BudgetBurn in PascalCase. */
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/).optional(),
  page: severityPolicy.default({ windows: DEFAULT_PAGE_WINDOWS }),
  ticket: severityPolicy.default({ windows: DEFAULT_TICKET_WINDOWS }),
  /** Fewer events than this in a window means "insufficient data", never an alert. Default 10. */
  minEventsPerWindow: z.number().int().min(0).default(10),
  labels: labelMap.default({}),
  annotations: z.record(z.string(), z.string()).default({}),
}).strict();

const targetSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('webhook'),
    name: z.string().min(1).optional(),
    /** Receives Alertmanager's webhook payload (version "4"). */
    url: z.string().url(),
  }).strict(),
  z.object({
    type: z.literal('alertmanager'),
    name: z.string().min(1).optional(),
    /** Alertmanager base URL; alerts go to <url>/api/v2/alerts. */
    url: z.string().url(),
  }).strict(),
]);

export const sloSpecSchema = z.object({
  /** Unique; used in metric labels, keys and rule names. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" and "_"').max(100),
  description: z.string().default(''),
  service: z.string().min(1),
  /** Percentage of good events, e.g. 99.9. */
  objective: z.number().gt(0).lt(100),
  /** Rolling window the budget covers. Default 30d. */
  window: duration.default('30d').refine((s) => (parseDurationMs(s) ?? 0) <= 90 * 86_400_000, { message: 'at most 90d' }),
  sli: sliSchema,
  alerting: alertingSchema.default(alertingSchema.parse({})),
  labels: labelMap.default({}),
  notify: z.array(targetSchema).default([]),
}).strict();

export type SloSpec = z.infer<typeof sloSpecSchema>;
export type SliSpec = z.infer<typeof sliSchema>;
export type NotifyTarget = z.infer<typeof targetSchema>;

/**
 * Validates a spec object; `source` (a file name or "request body") leads the
 * error. The latency threshold must be a histogram edge so the engine and the
 * generated Prometheus rules (le="...") count exactly the same events.
 */
export function parseSloSpec(value: unknown, source: string, bucketsMs: readonly number[] = DEFAULT_DURATION_BUCKETS_MS): SloSpec {
  const result = sloSpecSchema.safeParse(value);
  if (!result.success) {
    throw new FaultlineError(ErrorCode.InvalidInput, `invalid SLO (${source}):\n${describeZodError(result.error, '  ')}`);
  }
  const spec = result.data;
  if (spec.sli.kind === 'latency' && !bucketsMs.includes(spec.sli.thresholdMs)) {
    throw new FaultlineError(ErrorCode.InvalidInput,
      `invalid SLO (${source}):\n  sli.thresholdMs: ${spec.sli.thresholdMs} is not a duration bucket edge; use one of ${bucketsMs.join(', ')}`);
  }
  for (const key of ['page', 'ticket'] as const) {
    spec.alerting[key].windows.forEach((w, i) => {
      if (parseDurationMs(w.shortWindow)! >= parseDurationMs(w.longWindow)!) {
        throw new FaultlineError(ErrorCode.InvalidInput,
          `invalid SLO (${source}):\n  alerting.${key}.windows.${i}.shortWindow: must be shorter than longWindow`);
      }
    });
  }
  return spec;
}

/** Parses YAML text holding one SLO (a mapping) or several (a list). */
export function parseSloYaml(text: string, source: string, bucketsMs?: readonly number[]): SloSpec[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidInput, `${source} is not valid YAML: ${errorMessage(err)}`);
  }
  const items = Array.isArray(doc) ? doc : [doc];
  return items.map((item, i) => parseSloSpec(item, items.length > 1 ? `${source}[${i}]` : source, bucketsMs));
}
