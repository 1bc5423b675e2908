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
 */
export function platformSources(ctx: PlatformContext, now: () => number = Date.now): SteadyStateSources {
  const slo = () => ctx.services.get('slo') as SloStatusSource | undefined;
  const series = () => (ctx.services.get('analysis') as { series?: SeriesStore } | undefined)?.series;
  return {
    sloBurnRate(name, window) {
      const status = slo()?.status(name);
      if (!status) return undefined;
      const w = status.evaluation?.windows.find((x) => x.window === window);
      return w ? w.burnRate : null;
    },
    sloAlertFiring(name, severity) {
      return (slo()?.status(name)?.alerts ?? []).some((a) => a.severity === severity && a.state === 'firing');
    },
    signal(service, signal: Signal, operation, windowMs) {
      const store = series();
      if (!store) return null;
      const matches = store
        .query({ service, signal, ...(operation ? { operation } : {}) }, now() - windowMs)
        .filter((s) => s.key.edge === undefined && s.key.instance === undefined && s.key.operation === operation);
      const values = matches.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => Number.isFinite(v));
      return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    },
  };
}
