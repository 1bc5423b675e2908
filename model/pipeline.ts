import type { MetricBatch } from './metrics.ts';
import type { TraceBatch } from './trace.ts';

/**
 * What the collector hands to the parts behind it. Consumers run on the
 * collector's drain loop: they must be fast and must not throw (a consumer
 * that fails logs and counts; it never fails ingest).
 */
export interface BatchConsumer {
  name: string;
  consumeTraces?(batch: TraceBatch): void;
  consumeMetrics?(batch: MetricBatch): void;
  /** Log records are counted and forwarded only; no analysis. */
  consumeLogs?(recordCount: number): void;
}
