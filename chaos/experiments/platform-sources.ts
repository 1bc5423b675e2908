import type { SeriesStore } from '../../analysis/series/series-store.ts';
import type { PlatformContext } from '../../platform/part.ts';
import type { SteadyStateSources } from './checks.ts';
import type { Signal } from './spec.ts';

/** The parts of the SLO engine the checks read (analysis/slo registers it as ctx.services 'slo'). */
interface SloStatusSource {
  status(name: string):
    | {
        evaluation: { windows: Array<{ window: string; burnRate: number | null }> } | null;
        alerts: Array<{ severity: string; state: string }>;
      }
    | undefined;
}

/**
 * Steady-state values from the engines running in this process: SLO burn
 * rates and alerts from the SLO engine, RED signals from the series store.
 * Only this process's data: with several Faultline instances behind a load
 * balancer, a service's spans may all reach another one (see
 * docs/chaos-experiments.md, "Several Faultline instances").
 */
export function platformSources(ctx: PlatformContext, now: () => number = Date.now): SteadyStateSources {
  const slo = () => ctx.services.get('slo') as SloStatusSource | undefined;
  const analysis = () => ctx.services.get('analysis') as { series?: SeriesStore; service?(name: string): unknown } | undefined;
  const series = () => analysis()?.series;
  // Spans of the service reached this process: seen by the engine lately, or in the series it keeps.
  const seen = (service: string) => analysis()?.service?.(service) !== undefined || (series()?.services().includes(service) ?? false);
  return {
    sloBurnRate(name, window) {
      const status = slo()?.status(name);
      if (!status) return undefined;
      const w = status.evaluation?.windows.find((x) => x.window === window);
      return w ? w.burnRate : null;
    },
    sloAlertFiring(name, severity) {
      const status = slo()?.status(name);
      if (!status) return undefined;
      return status.alerts.some((a) => a.severity === severity && a.state === 'firing');
    },
    signal(service, signal: Signal, operation, windowMs) {
      const store = series();
      if (!store || !seen(service)) return undefined;
      // Points are whole steps (analysis.stepMs), recorded when a step closes:
      // take the steps that overlap the window, and at least the latest
      // closed one, so a window shorter than a step still reads a value.
      const overlapFromMs = now() - windowMs - store.stepMs;
      const points = store
        .query({ service, signal, ...(operation ? { operation } : {}) }, overlapFromMs - 2 * store.stepMs)
        .filter((s) => s.key.edge === undefined && s.key.instance === undefined && s.key.operation === operation)
        .flatMap((s) => s.points)
        .filter(([, v]) => Number.isFinite(v))
        .sort((a, b) => a[0] - b[0]);
      if (points.length === 0) return null;
      const inWindow = points.filter(([atMs]) => atMs >= overlapFromMs);
      const values = (inWindow.length > 0 ? inWindow : points.slice(-1)).map(([, v]) => v);
      return values.reduce((a, b) => a + b, 0) / values.length;
    },
  };
}
