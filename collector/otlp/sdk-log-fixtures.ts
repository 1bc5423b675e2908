import { context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';

// Three log records from the real OpenTelemetry logs SDK (two scopes, one
// with a trace context) for the codec's tests.

export async function sdkLogRecords() {
  // A processor that keeps what was emitted (the SDK's records, as its exporters get them).
  const records: ReadableLogRecord[] = [];
  const keep: LogRecordProcessor = { onEmit: (r) => void records.push(r), forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'svc' }), processors: [keep] });
  const logger = provider.getLogger('golden-logger');
  const ctx = trace.setSpanContext(context.active(), { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 });
  logger.emit({ body: 'hello', severityText: 'INFO', attributes: { k: 1 } });
  logger.emit({ body: { structured: ['body'] }, severityNumber: 17, context: ctx });
  provider.getLogger('other-scope').emit({ body: 'third', eventName: 'app.start' });
  await provider.shutdown();
  return records;
}
