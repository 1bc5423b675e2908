import type { Registry } from 'prom-client';
import type { PlatformContext, PlatformPart } from '../../platform/part.ts';
import { OtlpMetricStore } from './otlp-metric-store.ts';
import { renderExposition } from './render.ts';
import { otlpMetricsSelfMetrics } from './self-metrics.ts';

/** Names the platform's own registry already exposes (a family or one of its samples). */
function registryHas(registry: Registry, sample: string): boolean {
  if (registry.getSingleMetric(sample)) return true;
  const base = sample.replace(/_(bucket|sum|count|total|created)$/, '');
  return base !== sample && registry.getSingleMetric(base) !== undefined;
}

/**
 * Re-exposes ingested OTLP metrics on /metrics under Prometheus names.
 * Registered before the collector so it is fed from the first batch.
 */
export function otlpMetricsPart(): PlatformPart {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'otlp-metrics',
    async start(ctx: PlatformContext) {
      const config = ctx.config.otlpMetrics;
      let self: ReturnType<typeof otlpMetricsSelfMetrics> | undefined;
      const store = new OtlpMetricStore({
        ...config,
        now: Date.now,
        isReservedName: (name) => registryHas(ctx.registry, name),
        onDrop: (reason, points) => self?.droppedPoints.inc({ reason }, points),
      });
      self = otlpMetricsSelfMetrics(ctx.registry, () => store.size);
      ctx.consumers.push({
        name: 'otlp-metrics',
        consumeMetrics(batch) {
          try {
            store.consume(batch);
          } catch (err) {
            ctx.logger.error({ err }, 'otlp-metrics: batch not stored');
          }
        },
      });
      ctx.api.addMetricsSource({
        render() {
          store.expire();
          return renderExposition(store);
        },
      });
      ctx.services.set('otlpMetrics', store);
      timer = setInterval(() => store.expire(), Math.max(1000, Math.floor(config.seriesTtlMs / 5)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}
