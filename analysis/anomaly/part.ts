import type { PlatformPart } from '../../platform/part.ts';
import type { SeriesStore } from '../series/series-store.ts';
import { AnomalyEngine, type ChaosActivity } from './anomaly-engine.ts';
import { MetricSampler, type MetricFamilies } from './metric-sampler.ts';
import { renderAnomalyMetrics } from './metrics.ts';
import type { GraphEdge } from './origin.ts';
import { registerAnomalyRoutes } from './routes.ts';

/** How often series idle for anomaly.seriesIdleMs lose their detectors. */
const SWEEP_INTERVAL_MS = 60_000;

interface AnalysisService {
  series: SeriesStore;
  graph(): { edges: GraphEdge[] };
}

/**
 * The anomaly part: a detector on every series the analysis store records
 * (RED per service, operation and edge; USE per instance), events with their
 * likely origin and the chaos experiments active at the time, on
 * /api/v1/anomalies and /metrics. Shared as ctx.services 'anomaly'. Starts
 * after the analysis part, before the collector.
 */
export function anomalyPart(): PlatformPart {
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  return {
    name: 'anomaly',
    async start(ctx) {
      const config = ctx.config.anomaly;
      const analysis = ctx.services.get('analysis') as AnalysisService | undefined;
      const log = ctx.logger.child({ part: 'anomaly' });
      // The graph snapshot is not free; events in one incident share it for a second.
      let edges: GraphEdge[] = [];
      let edgesAtMs = -Infinity;
      const currentEdges = () => {
        const now = Date.now();
        if (now - edgesAtMs >= 1000) {
          edges = analysis?.graph().edges ?? [];
          edgesAtMs = now;
        }
        return edges;
      };
      const engine = new AnomalyEngine(config, {
        edges: currentEdges,
        stepMs: analysis?.series.stepMs,
        activity: () => ctx.services.get('chaos-activity') as ChaosActivity | undefined,
      });
      ctx.services.set('anomaly', engine);
      registerAnomalyRoutes(ctx.api.app, engine, Date.now);
      ctx.api.addMetricsSource({ render: () => renderAnomalyMetrics(engine) });
      if (!config.enabled) return;
      if (!analysis) {
        log.warn('no analysis part: anomaly detection has no series to watch');
        return;
      }
      unsubscribe = analysis.series.onStep((key, stepStartMs, value) => engine.observe(key, stepStartMs, value));
      sweeper = setInterval(() => engine.sweep(Date.now()), SWEEP_INTERVAL_MS);
      sweeper.unref();
      if (config.metrics.length > 0) {
        const sampler = new MetricSampler(config.metrics, config.maxSeries);
        const stepMs = analysis.series.stepMs;
        timer = setInterval(() => {
          const store = ctx.services.get('otlpMetrics') as MetricFamilies | undefined;
          if (!store) return;
          try {
            sampler.sample(store, Math.floor(Date.now() / stepMs) * stepMs, (key, tMs, value) => engine.observe(key, tMs, value));
          } catch (err) {
            log.warn({ err }, 'sampling ingested metrics failed');
          }
        }, stepMs);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (sweeper) clearInterval(sweeper);
      timer = sweeper = undefined;
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
