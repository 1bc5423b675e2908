import { z } from 'zod';

// Collector settings. This file is the only place their defaults live.

const SIGNAL_PATH = /\/v1\/(traces|metrics|logs)\/?$/;

/** The --forward-otlp base URL: http(s) only, without the /v1/<signal> the forwarder appends. */
const forwardUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a URL; give the OTLP/HTTP base URL, e.g. http://otel-collector:4318` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `scheme "${url.protocol.replace(/:$/, '')}" is not supported; the forwarder speaks OTLP/HTTP, so use http:// or https:// (e.g. http://otel-collector:4318)` });
  } else if (SIGNAL_PATH.test(url.pathname)) {
    ctx.addIssue({ code: 'custom', message: `give the base URL without ${url.pathname.match(SIGNAL_PATH)![0]}: the forwarder appends /v1/traces, /v1/metrics and /v1/logs itself` });
  }
});

// Names are HTTP field names (RFC 9110 tokens); values must not break the header line.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headers = z.record(z.string(), z.string().regex(/^[^\r\n\0]*$/, 'must not contain CR, LF or NUL'))
  .superRefine((value, ctx) => {
    for (const name of Object.keys(value)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid HTTP header name' });
    }
  });

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
    /** When set, everything accepted is re-exported to this OTLP/HTTP base URL (http or https). Default: none. */
    forwardOtlpUrl: forwardUrl.optional(),
    /** Headers sent with every forwarded request, e.g. an Authorization for the downstream. Default: none. */
    forwardHeaders: headers.default({}),
    /**
     * Bytes of request bodies the forwarder holds (waiting or in flight)
     * before new batches are dropped and counted (reason queue_full). Default 64 MiB.
     */
    forwardQueueBytes: z.number().int().positive().default(64 * 1024 * 1024),
  })
  .strict();

export type CollectorConfig = z.infer<typeof collectorConfigSchema>;
