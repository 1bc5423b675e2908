import { z } from 'zod';

// Settings of the recent-trace store behind the Jaeger-compatible query API.
// This file is the only place their defaults live.
export const tracesConfigSchema = z
  .object({
    /**
     * Spans kept in all; the oldest traces are dropped (and counted) to make
     * room. Default 50,000: a stored span costs about 460 bytes of live heap,
     * but under heavy ingest the garbage collector lets the heap grow to
     * several times the live set, so with 200,000 the process reached 625 MiB
     * RSS in `npm run bench:ingest` and 363 MiB with 50,000 (docs/jaeger.md).
     */
    maxSpans: z.number().int().positive().default(50_000),
    /** A trace is dropped this long after its first span arrived. Default 30 min. */
    maxAgeMs: z.number().int().positive().default(30 * 60_000),
    /** Spans kept per trace; further spans of a huge trace are dropped and counted. Default 10,000. */
    maxSpansPerTrace: z.number().int().positive().default(10_000),
    /** Search window when a query gives no `start`/`lookback`. Default 1 h (as Jaeger). */
    defaultLookbackMs: z.number().int().positive().default(60 * 60_000),
    /** Traces a search returns when it gives no `limit`. Default 100 (as Jaeger's query service). */
    defaultSearchLimit: z.number().int().positive().default(100),
  })
  .strict();

export type TracesConfig = z.infer<typeof tracesConfigSchema>;
