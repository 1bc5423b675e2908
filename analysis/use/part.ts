import type { PlatformContext, PlatformPart } from '../../platform/part.ts';
import { UseStore, type UseSeriesSink } from './use-store.ts';

/**
 * Derives USE per service instance from ingested metrics, exposes it as
 * ctx.services 'use' (read by /api/v1/services/:name) and records every
 * signal into the series store of ctx.services 'analysis'.
 */
export function usePart(): PlatformPart {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'use',
    async start(ctx: PlatformContext) {
      const ttlMs = ctx.config.otlpMetrics.seriesTtlMs;
      const store = new UseStore({
        instanceTtlMs: ttlMs,
        now: Date.now,
        sink: () => (ctx.services.get('analysis') as { series?: UseSeriesSink } | undefined)?.series,
      });
      ctx.consumers.push({
        name: 'use',
        consumeMetrics(batch) {
          try {
            store.consume(batch);
          } catch (err) {
            ctx.logger.error({ err }, 'use: batch not derived');
          }
        },
      });
      ctx.services.set('use', store);
      timer = setInterval(() => store.expire(), Math.max(1000, Math.floor(ttlMs / 5)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}
