import { z } from 'zod';

// Anomaly detection settings. This file is the only place their defaults
// live; `faultline detect` and the live part both read them from here.

export const detectorConfigSchema = z
  .object({
    /** Points a series must have before it may score above 0. Default 150. */
    warmupPoints: z.number().int().min(1).default(150),
    /** EWMA weight of the level forecast. Default 0.05. */
    levelAlpha: z.number().gt(0).max(1).default(0.05),
    /** EWMA weight of a seasonal slot per visit. Default 0.2. */
    seasonAlpha: z.number().gt(0).max(1).default(0.2),
    /** EWMA weight of residual scales. Default 0.01. */
    scaleAlpha: z.number().gt(0).max(1).default(0.01),
    /** Seasonal periods tried, in hours. Default [24, 168] (daily, weekly). */
    seasonalPeriodsHours: z.array(z.number().positive()).default([24, 168]),
    /** Most slots of a seasonal profile (memory bound). Default 336 (half-hours of a week). */
    maxSeasonSlots: z.number().int().min(12).max(4096).default(336),
    /** Recent points whose residuals define "usual" for a series. Default 2000. */
    tailMemoryPoints: z.number().int().min(10).default(2000),
    /** log(1+z) beyond the recent maximum that makes a point e times rarer. Default 0.5. */
    tailScale: z.number().positive().default(0.5),
    /** The recent range is the min/max over the last one to two blocks of this many points. Default 1000. */
    rangeBlockPoints: z.number().int().min(10).default(1000),
    /** Weight of the short average that catches sustained small shifts. Default 0.1. */
    sustainedAlpha: z.number().gt(0).max(1).default(0.1),
    /** Surprise (-log10 p) that maps to score 0.5. Default 3. */
    surpriseHalfScore: z.number().positive().default(3),
    /** After a peak, points until the suppression level halves. Default 100. */
    suppressHalfLifePoints: z.number().positive().default(100),
    /** A score must beat the last reported peak by this much to be reported in full. Default 0.1. */
    suppressMargin: z.number().min(0).max(1).default(0.1),
    /** Factor applied to scores under the suppression level. Default 0.5. */
    suppressFactor: z.number().min(0).max(1).default(0.5),
    /**
     * Smallest residual scale as a fraction of the series' typical magnitude:
     * changes smaller than this are never large z-scores, however steady the
     * series was (e.g. 50 rps from a load generator). Default 0.003.
     */
    minRelativeScale: z.number().min(0).max(1).default(0.003),
    /** A gap is an interval longer than this many typical intervals. Default 5. */
    gapIntervals: z.number().gt(1).default(5),
  })
  .strict();

export type DetectorConfig = z.infer<typeof detectorConfigSchema>;
export const defaultDetectorConfig: DetectorConfig = detectorConfigSchema.parse({});

export const anomalyEventsConfigSchema = z
  .object({
    /** Score (before damping) at which a series opens an event. Default 0.7 (about p < 1e-7 for that series). */
    openScore: z.number().gt(0).lt(1).default(0.7),
    /** Peak score from which an event is critical rather than a warning. Default 0.85. */
    criticalScore: z.number().gt(0).lt(1).default(0.85),
    /**
     * Points in a row at or above openScore before an event opens, unless one
     * reaches criticalScore. Default 2: a one-step blip of a noisy series (three
     * errors in a step of a service that fails one request in 500) is not an
     * incident.
     */
    confirmPoints: z.number().int().min(1).default(2),
    /** Consecutive points under openScore that close an event. Default 6 (1 min of 10 s steps). */
    closeAfterQuietPoints: z.number().int().min(1).default(6),
    /** An event still away from the pre-incident normal closes after this long anyway (the new normal). Default 30 min. */
    maxOpenMs: z.number().int().positive().default(30 * 60_000),
    /** A series alarming again within this long after its event closed reopens that event. Default 5 min. */
    mergeGapMs: z.number().int().min(0).default(5 * 60_000),
    /** Events of other services at most this far apart count as the same incident for "where it started". Default 2 min. */
    originWindowMs: z.number().int().min(0).default(2 * 60_000),
    /** Events kept for the API (oldest dropped first). Default 5,000. */
    maxEvents: z.number().int().positive().default(5000),
  })
  .strict();

export const anomalyConfigSchema = z
  .object({
    /** Run detectors on the live series. Default true. */
    enabled: z.boolean().default(true),
    /**
     * Series signals to watch (RED: rate_rps, error_ratio, latency_p50_ms,
     * latency_p95_ms, latency_p99_ms; USE signals by name). Default: every
     * series the analysis store records.
     */
    signals: z.array(z.string().min(1)).optional(),
    /**
     * Ingested OTLP metrics (Prometheus-style names, e.g.
     * process_cpu_utilization_ratio) sampled once per series step and watched
     * too. Default none.
     */
    metrics: z.array(z.string().min(1)).default([]),
    /** Series with a detector at once (about 6 KB each); beyond it new series are not watched and are counted. Default 20,000. */
    maxSeries: z.number().int().positive().default(20_000),
    /** A series without a point for this long loses its detector (it starts a new warm-up if it returns). Default 1 h. */
    seriesIdleMs: z.number().int().positive().default(3_600_000),
    detector: detectorConfigSchema.default(detectorConfigSchema.parse({})),
    events: anomalyEventsConfigSchema.default(anomalyEventsConfigSchema.parse({})),
  })
  .strict();

export type AnomalyEventsConfig = z.infer<typeof anomalyEventsConfigSchema>;
export type AnomalyConfig = z.infer<typeof anomalyConfigSchema>;
