import type { PlatformPart } from '../platform/part.ts';
import { registerAnalysisRoutes, type UseProvider } from './api/routes.ts';
import { AnalysisEngine } from './engine.ts';
import { registerAnalysisMetrics } from './self-metrics.ts';

/** How often half edges expire and step boundaries are checked. */
const TICK_MS = 1000;

/**
 * The analysis part: consumes the collector's trace batches, serves span
 * metrics and the service graph on /metrics, the query API under /api/v1,
 * and shares the engine as ctx.services 'analysis' (its `series` store is
 * what the SLO, anomaly and USE parts use). It must start before the collector.
 */
export function analysisPart(): PlatformPart {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'analysis',
    async start(ctx) {
      const log = ctx.logger.child({ part: 'analysis' });
      const engine = new AnalysisEngine(ctx.config.analysis, Date.now, (err) => log.warn({ err }, 'series step listener failed'));
      ctx.consumers.push(engine);
      ctx.services.set('analysis', engine);
      registerAnalysisMetrics(ctx.registry, engine);
      ctx.api.addMetricsSource({ render: () => engine.renderMetricsPieces() });
      registerAnalysisRoutes(ctx.api.app, { engine, now: Date.now, use: () => ctx.services.get('use') as UseProvider | undefined });
      timer = setInterval(() => {
        try {
          engine.tick();
        } catch (err) {
          log.error({ err }, 'analysis tick failed');
        }
      }, TICK_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
