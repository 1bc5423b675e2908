import { z } from 'zod';

// Settings of the OTLP metrics exposition (and the USE signals derived from
// the same metrics). This file is the only place their defaults live.
export const otlpMetricsConfigSchema = z
  .object({
    /** Series (and target_info, and USE instances) not updated for this long are dropped. Default 5 min. */
    seriesTtlMs: z.number().int().positive().default(5 * 60_000),
    /** Most Prometheus series kept; points of new series beyond it are dropped and counted. Default 100,000. */
    maxSeries: z.number().int().positive().default(100_000),
    /** Add `otel_scope_name` / `otel_scope_version` labels, as the spec asks by default. Default true. */
    scopeLabels: z.boolean().default(true),
  })
  .strict();

export type OtlpMetricsConfig = z.infer<typeof otlpMetricsConfigSchema>;
