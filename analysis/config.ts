import { z } from 'zod';
import { DEFAULT_DURATION_BUCKETS_MS } from './buckets.ts';

// Analysis settings (span metrics, service graph, series). This file is the
// only place their defaults live.

const MINUTE_MS = 60_000;

export const spanMetricsConfigSchema = z
  .object({
    /** Series per metric before new label sets go to the overflow series. Default 10,000. */
    cardinalityLimit: z.number().int().positive().default(10_000),
    /** A series not updated for this long is dropped from /metrics. Default 15 min. */
    seriesExpiryMs: z.number().int().positive().default(15 * MINUTE_MS),
  })
  .strict();

export const serviceGraphConfigSchema = z
  .object({
    /**
     * How long a half edge (client without server span or the reverse) waits
     * for its other half. SDKs export every 5 s by default, so the two halves
     * of one call usually arrive seconds apart. Default 15 s.
     */
    storeTtlMs: z.number().int().positive().default(15_000),
    /** Half edges held at once; beyond it new ones are dropped and counted. Default 50,000. */
    storeMaxItems: z.number().int().positive().default(50_000),
    /** Edges (client, server, connection type) before new ones go to the overflow edge. Default 10,000. */
    cardinalityLimit: z.number().int().positive().default(10_000),
  })
  .strict();

export const seriesConfigSchema = z
  .object({
    /** Width of one series point. Default 10 s. */
    stepMs: z.number().int().min(1000).default(10_000),
    /** How far back series reach. Default 6 h (2,160 points of 10 s). */
    retentionMs: z.number().int().positive().default(6 * 60 * MINUTE_MS),
    /**
     * Series held at once (each costs about 8 bytes x retention/step, 17 KB
     * with the defaults); beyond it new series are dropped and counted.
     * Default 20,000.
     */
    maxSeries: z.number().int().positive().default(20_000),
    /** A service, operation or edge without spans for this long stops getting points. Default 15 min. */
    idleExpiryMs: z.number().int().positive().default(15 * MINUTE_MS),
  })
  .strict();

export const analysisConfigSchema = z
  .object({
    /**
     * Duration histogram bucket upper bounds in ms, ascending. Default: the
     * spanmetrics connector's edges plus 50/100/200/300/500 ms and 1 s, so
     * common SLO thresholds are exact (analysis/buckets.ts).
     */
    durationBucketsMs: z
      .array(z.number().positive())
      .min(1)
      .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]), 'bucket bounds must be strictly ascending')
      .default([...DEFAULT_DURATION_BUCKETS_MS]),
    spanMetrics: spanMetricsConfigSchema.default(spanMetricsConfigSchema.parse({})),
    serviceGraph: serviceGraphConfigSchema.default(serviceGraphConfigSchema.parse({})),
    series: seriesConfigSchema.default(seriesConfigSchema.parse({})),
    /** Window the API's current rate, error ratio and percentiles cover. Default 1 min. */
    apiWindowMs: z.number().int().positive().default(MINUTE_MS),
  })
  .strict();

export type AnalysisConfig = z.infer<typeof analysisConfigSchema>;
