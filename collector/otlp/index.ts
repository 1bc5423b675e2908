// The OTLP codec: request decoders into the model and response encoders.
// Receivers call these; see docs/otlp.md for what is accepted and rejected.
export type { Decoded } from './rejections.ts';
export { decodeTracesProto } from './traces-proto.ts';
export { decodeTracesJson } from './traces-json.ts';
export { decodeMetricsProto } from './metrics-proto.ts';
export { decodeMetricsJson } from './metrics-json.ts';
export { decodeLogsProto } from './logs-proto.ts';
export { decodeLogsJson } from './logs-json.ts';
export { encodeExportResponse, encodeRpcStatus, type Encoding, type Signal } from './responses.ts';
