// The settings a user can give by flag or environment variable, and where
// each lands in the config object. The config file uses the same paths.

/** 'headers': `k=v,k2=v2`, percent-decoded, as OTEL_EXPORTER_OTLP_HEADERS. */
export type SettingKind = 'string' | 'int' | 'headers';

export interface Setting {
  /** Dotted path in the config object (and in faultline.yaml). */
  path: string;
  /** Long flag without dashes, e.g. 'otlp-grpc-port'. */
  flag: string;
  env: string;
  kind: SettingKind;
  description: string;
}

export const settings: Setting[] = [
  { path: 'host', flag: 'host', env: 'FAULTLINE_HOST', kind: 'string', description: 'address to bind (default 127.0.0.1)' },
  { path: 'otlpGrpcPort', flag: 'otlp-grpc-port', env: 'FAULTLINE_OTLP_GRPC_PORT', kind: 'int', description: 'OTLP/gRPC port (default 4317, 0 = free port)' },
  { path: 'otlpHttpPort', flag: 'otlp-http-port', env: 'FAULTLINE_OTLP_HTTP_PORT', kind: 'int', description: 'OTLP/HTTP port (default 4318, 0 = free port)' },
  { path: 'apiPort', flag: 'api-port', env: 'FAULTLINE_API_PORT', kind: 'int', description: 'HTTP API and /metrics port (default 7070, 0 = free port)' },
  { path: 'dataDir', flag: 'data-dir', env: 'FAULTLINE_DATA_DIR', kind: 'string', description: 'state directory (default ./data)' },
  { path: 'redisUrl', flag: 'redis-url', env: 'REDIS_URL', kind: 'string', description: 'Redis URL (default: start a private redis-server)' },
  { path: 'logLevel', flag: 'log-level', env: 'FAULTLINE_LOG_LEVEL', kind: 'string', description: 'log level (default info)' },
  { path: 'collector.maxRequestBytes', flag: 'max-request-bytes', env: 'FAULTLINE_MAX_REQUEST_BYTES', kind: 'int', description: 'largest OTLP body after decompression (default 16 MiB)' },
  { path: 'collector.queueCapacityItems', flag: 'queue-capacity', env: 'FAULTLINE_QUEUE_CAPACITY', kind: 'int', description: 'spans + data points queued before refusing with 429/503 (default 200000)' },
  { path: 'collector.ingestToken', flag: 'ingest-token', env: 'FAULTLINE_INGEST_TOKEN', kind: 'string', description: 'require Authorization: Bearer TOKEN on OTLP requests' },
  { path: 'collector.forwardOtlpUrl', flag: 'forward-otlp', env: 'FAULTLINE_FORWARD_OTLP', kind: 'string', description: 're-export accepted data to this OTLP/HTTP base URL (http:// or https://)' },
  { path: 'collector.forwardHeaders', flag: 'forward-otlp-headers', env: 'FAULTLINE_FORWARD_OTLP_HEADERS', kind: 'headers', description: 'headers for the --forward-otlp endpoint, "k=v,k2=v2" as OTEL_EXPORTER_OTLP_HEADERS' },
  { path: 'collector.forwardQueueBytes', flag: 'forward-queue-bytes', env: 'FAULTLINE_FORWARD_QUEUE_BYTES', kind: 'int', description: 'bytes the forwarder holds before dropping new batches (default 64 MiB)' },
  { path: 'slo.dir', flag: 'slo-dir', env: 'FAULTLINE_SLO_DIR', kind: 'string', description: 'directory of SLO YAML files (default: none, SLOs only from the API)' },
  { path: 'experiments.dir', flag: 'experiments-dir', env: 'FAULTLINE_EXPERIMENTS_DIR', kind: 'string', description: 'directory of Experiment files; those with a schedule are scheduled at start-up (default: none)' },
];
