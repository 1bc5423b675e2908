import type { PlatformContext, PlatformPart } from '../../platform/part.ts';
import { registerJaegerRoutes } from '../jaeger/routes.ts';
import { registerJaegerV3Routes } from '../jaeger/routes-v3.ts';
import { traceStoreSelfMetrics } from './self-metrics.ts';
import { RecentTraceStore } from './trace-store.ts';

/**
 * Keeps recent traces and serves them through the Jaeger-compatible query
 * API under /jaeger/api. Registered before the collector.
 */
export function tracesPart(): PlatformPart {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'traces',
    async start(ctx: PlatformContext) {
      const config = ctx.config.traces;
      let store: RecentTraceStore | undefined;
      const self = traceStoreSelfMetrics(ctx.registry, () => store);
      store = new RecentTraceStore({
        ...config,
        now: Date.now,
        onDrop: (reason, spans) => self.droppedSpans.inc({ reason }, spans),
      });
      const traces = store;
      ctx.consumers.push({
        name: 'traces',
        consumeTraces(batch) {
          try {
            traces.consume(batch);
          } catch (err) {
            ctx.logger.error({ err }, 'traces: batch not stored');
          }
        },
      });
      registerJaegerRoutes(ctx.api.app, '/jaeger', {
        store: traces,
        now: Date.now,
        lookbackMs: config.defaultLookbackMs,
        searchLimit: config.defaultSearchLimit,
        dependenciesLookbackMs: config.maxAgeMs,
        logger: ctx.logger,
      });
      registerJaegerV3Routes(ctx.api.app, '/jaeger', {
        store: traces, now: Date.now, lookbackMs: config.defaultLookbackMs, searchLimit: config.defaultSearchLimit, logger: ctx.logger,
      });
      ctx.services.set('traces', traces);
      timer = setInterval(() => traces.expire(), Math.max(1000, Math.floor(config.maxAgeMs / 30)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}
