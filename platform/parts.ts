import { otlpMetricsPart } from '../analysis/metrics/part.ts';
import { tracesPart } from '../analysis/traces/part.ts';
import { usePart } from '../analysis/use/part.ts';
import { analysisPart } from '../analysis/part.ts';
import { sloPart } from '../analysis/slo/part.ts';
import { anomalyPart } from '../analysis/anomaly/part.ts';
import { collectorPart } from '../collector/part.ts';
import { experimentsPart } from '../chaos/experiments/part.ts';
import type { PlatformContext, PlatformPart } from './part.ts';

// The parts `faultline up` runs, in start order (stopped in reverse). Each
// entry creates a fresh part, so several platforms can run in one process.
export const partFactories: Array<(ctx: PlatformContext) => PlatformPart> = [
  // Consumers of the collector's batches: before the collector.
  // analysis first: it shares the series store (ctx.services 'analysis') the others record into.
  () => analysisPart(),
  () => otlpMetricsPart(),
  () => tracesPart(),
  () => usePart(),
  () => sloPart(),
  () => anomalyPart(),
  // Chaos experiments read SLOs and series, so they start after analysis.
  () => experimentsPart(),
  // The collector last: it starts once every consumer is registered and stops first, draining into them.
  () => collectorPart(),
];
