import { z } from 'zod';

// Collector settings. This file is the only place their defaults live.
export const collectorConfigSchema = z
  .object({
    /** Largest request body accepted, measured after decompression. Default 16 MiB. */
    maxRequestBytes: z.number().int().positive().default(16 * 1024 * 1024),
    /** Spans plus data points that may wait between receivers and consumers. Default 200,000. */
    queueCapacityItems: z.number().int().positive().default(200_000),
    /** Seconds a refused client is told to wait (Retry-After). Default 1. */
    retryAfterSeconds: z.number().int().positive().default(1),
    /** When set, requests must carry `Authorization: Bearer <token>`. Default: none. */
    ingestToken: z.string().min(1).optional(),
    /** When set, everything accepted is re-exported to this OTLP/HTTP base URL. Default: none. */
    forwardOtlpUrl: z.string().url().optional(),
    /** Batches waiting to be forwarded before new ones are dropped (and counted). Default 1,000. */
    forwardQueueBatches: z.number().int().positive().default(1000),
  })
  .strict();

export type CollectorConfig = z.infer<typeof collectorConfigSchema>;
