import { z } from 'zod';

// SLO part settings (`slo:` in faultline.yaml). This file is the only place
// their defaults live; the defaults of an SLO spec itself (window, alerting
// policy) are in spec.ts.

export const notifyConfigSchema = z
  .object({
    /** Delivery attempts per notification before it is given up (and counted as failed). Default 8. */
    attempts: z.number().int().min(1).default(8),
    /** First retry delay; each further retry waits twice as long (BullMQ exponential backoff). Default 1,000 ms. */
    backoffMs: z.number().int().positive().default(1000),
    /** A target that has not answered within this is a failed attempt. Default 5,000 ms. */
    requestTimeoutMs: z.number().int().positive().default(5000),
    /** Deliveries in flight at once. Default 4. */
    concurrency: z.number().int().positive().default(4),
    /**
     * Firing alerts are re-sent to Alertmanager targets this often, each valid
     * for 4x as long, so Alertmanager resolves them itself if Faultline stops. Default 60,000 ms.
     */
    alertmanagerResendMs: z.number().int().positive().default(60_000),
    /** Base URL put in generatorURL/externalURL. Default: the API's own address. */
    externalUrl: z.string().url().optional(),
  })
  .strict();

export const sloConfigSchema = z
  .object({
    /** Directory of SLO YAML files loaded at start. Default: none (SLOs come only from the API). */
    dir: z.string().min(1).optional(),
    /** How often every SLO is evaluated. Default 10,000 ms. */
    evaluationIntervalMs: z.number().int().positive().default(10_000),
    /** How often state is saved to Redis; a crash loses at most this much of the budget's events. Default 30,000 ms. */
    checkpointIntervalMs: z.number().int().positive().max(60_000).default(30_000),
    /** Prefix of every Redis key the part writes. Default "faultline:". */
    redisKeyPrefix: z.string().default('faultline:'),
    notify: notifyConfigSchema.default(notifyConfigSchema.parse({})),
  })
  .strict();

export type SloConfig = z.infer<typeof sloConfigSchema>;
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
