import { z } from 'zod';
import { analysisConfigSchema } from '../../analysis/config.ts';
import { otlpMetricsConfigSchema } from '../../analysis/metrics/config.ts';
import { tracesConfigSchema } from '../../analysis/traces/config.ts';
import { collectorConfigSchema } from '../../collector/config.ts';
import { governorConfigSchema } from '../../chaos/governor/config.ts';
import { experimentsConfigSchema } from '../../chaos/experiments/config.ts';
import { authConfigSchema } from '../auth/config.ts';
import { sloConfigSchema } from '../../analysis/slo/config.ts';
import { anomalyConfigSchema } from '../../analysis/anomaly/config.ts';

// The whole configuration of `faultline up`. Defaults live here and in the
// per-part schemas this composes (collector/config.ts, ...), nowhere else.
const port = z.number().int().min(0).max(65535);

export const configSchema = z
  .object({
    /** Address every listener binds to. Default 127.0.0.1 (loopback only). */
    host: z.string().min(1).default('127.0.0.1'),
    /** OTLP/gRPC port. Default 4317; 0 picks a free port. */
    otlpGrpcPort: port.default(4317),
    /** OTLP/HTTP port. Default 4318; 0 picks a free port. */
    otlpHttpPort: port.default(4318),
    /** HTTP API, /metrics, /healthz, /readyz. Default 7070; 0 picks a free port. */
    apiPort: port.default(7070),
    /** Where the embedded Redis and other state live. Default ./data. */
    dataDir: z.string().min(1).default('./data'),
    /** Redis to use; when unset, a private redis-server child is started. */
    redisUrl: z.string().min(1).optional(),
    /** pino level. Default info. */
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Milliseconds allowed for a graceful stop on SIGINT/SIGTERM. Default 9,000 (exit within 10 s). */
    shutdownTimeoutMs: z.number().int().positive().default(9000),
    collector: collectorConfigSchema.default(collectorConfigSchema.parse({})),
    auth: authConfigSchema.default(authConfigSchema.parse({})),
    governor: governorConfigSchema.default(governorConfigSchema.parse({})),
    experiments: experimentsConfigSchema.default(experimentsConfigSchema.parse({})),
    analysis: analysisConfigSchema.default(analysisConfigSchema.parse({})),
    otlpMetrics: otlpMetricsConfigSchema.default(otlpMetricsConfigSchema.parse({})),
    traces: tracesConfigSchema.default(tracesConfigSchema.parse({})),
    slo: sloConfigSchema.default(sloConfigSchema.parse({})),
    anomaly: anomalyConfigSchema.default(anomalyConfigSchema.parse({})),
  })
  .strict();

export type FaultlineConfig = z.infer<typeof configSchema>;
export type FaultlineConfigInput = z.input<typeof configSchema>;
