import { Counter, Gauge, type Registry } from 'prom-client';
import type { SloEngine } from './engine.ts';
import type { SliCounter } from './sli-counter.ts';

// The SLO part's own metrics, all on the platform registry. The SLO gauges
// are filled from the engine's last evaluation when /metrics is scraped.

export interface SloMetrics {
  notifications: Counter<'target' | 'outcome'>;
  enqueueErrors: Counter;
  checkpoints: Counter<'outcome'>;
}

export function registerSloMetrics(registry: Registry, engine: SloEngine, counter?: SliCounter): SloMetrics {
  new Gauge({
    name: 'faultline_slo_ratio_points_dropped', registers: [registry],
    help: 'Data points of cumulative counters not counted for ratio SLIs because the series limit (100,000) was reached',
    collect() { this.set(counter?.droppedPoints ?? 0); },
  });
  // Registered first, so its collect() refreshes every SLO gauge from the
  // engine before any of them is read; a removed SLO's series disappear.
  const objective: Gauge<'slo' | 'service'> = new Gauge({
    name: 'faultline_slo_objective_ratio', help: 'SLO objective as a ratio (0.999 for 99.9%)', labelNames: ['slo', 'service'], registers: [registry],
    collect: () => refresh(),
  });
  const errorRatio = new Gauge({ name: 'faultline_slo_error_ratio', help: 'Share of bad events over the window', labelNames: ['slo', 'service', 'window'], registers: [registry] });
  const burnRate = new Gauge({ name: 'faultline_slo_burn_rate', help: 'Error ratio over the window divided by the error budget ratio', labelNames: ['slo', 'service', 'window'], registers: [registry] });
  const events = new Gauge({ name: 'faultline_slo_window_events', help: 'Events counted in the window', labelNames: ['slo', 'service', 'window'], registers: [registry] });
  const budget = new Gauge({ name: 'faultline_slo_error_budget_remaining_ratio', help: 'Error budget left over the SLO period (1 - period burn rate; negative when overspent)', labelNames: ['slo', 'service'], registers: [registry] });
  const exhaustion = new Gauge({ name: 'faultline_slo_time_to_exhaustion_seconds', help: 'Time until the budget is spent at the current (5m) burn rate; absent when not burning', labelNames: ['slo', 'service'], registers: [registry] });
  const alerts = new Gauge({ name: 'faultline_slo_alerts_active', help: 'Alerts of the SLO by severity and state (pending or firing)', labelNames: ['slo', 'service', 'severity', 'state'], registers: [registry] });
  const insufficient = new Gauge({ name: 'faultline_slo_insufficient_data', help: '1 when a burn condition holds on too few events to alert', labelNames: ['slo', 'service'], registers: [registry] });

  new Gauge({
    name: 'faultline_slos_loaded', help: 'SLOs loaded', registers: [registry],
    collect() { this.set(engine.runtimesList().length); },
  });

  function refresh(): void {
    for (const g of [objective, errorRatio, burnRate, events, budget, exhaustion, alerts, insufficient]) g.reset();
    const statuses = engine.statuses();
    for (const s of statuses) {
      const base = { slo: s.name, service: s.service };
      objective.set(base, Number((s.objective / 100).toPrecision(12)));
      insufficient.set(base, s.dataStatus === 'insufficient data' ? 1 : 0);
      for (const severity of ['page', 'ticket']) {
        for (const state of ['pending', 'firing']) {
          alerts.set({ ...base, severity, state }, s.alerts.filter((a) => a.severity === severity && a.state === state).length);
        }
      }
      const ev = s.evaluation;
      if (!ev) continue;
      for (const w of ev.windows) {
        events.set({ ...base, window: w.window }, w.total);
        if (w.errorRatio !== null) errorRatio.set({ ...base, window: w.window }, w.errorRatio);
        if (w.burnRate !== null) burnRate.set({ ...base, window: w.window }, w.burnRate);
      }
      if (ev.budgetRemainingRatio !== null) budget.set(base, ev.budgetRemainingRatio);
      if (ev.timeToExhaustionMs !== null) exhaustion.set(base, ev.timeToExhaustionMs / 1000);
    }
  }
  return {
    notifications: new Counter({
      name: 'faultline_slo_notifications_total', registers: [registry], labelNames: ['target', 'outcome'],
      help: 'Notification delivery attempts by target and outcome: delivered, retried (attempt failed, will retry), failed (gave up)',
    }),
    enqueueErrors: new Counter({ name: 'faultline_slo_notification_enqueue_errors_total', help: 'Notifications that could not be queued (Redis unavailable)', registers: [registry] }),
    checkpoints: new Counter({ name: 'faultline_slo_checkpoints_total', help: 'Checkpoints of SLO state to Redis by outcome (saved, failed)', labelNames: ['outcome'], registers: [registry] }),
  };
}
