import { Counter, Gauge, type Registry } from 'prom-client';
import { faultTypes } from '../faults/specs.ts';
import { governorLimits } from '../governor/governor.ts';
import type { RunStatus } from './run-record.ts';

// The chaos scheduler's own metrics on /metrics. The dashboards
// (dashboards/panels/chaos.ts) and their annotations read these names.
export interface ChaosMetrics {
  active: Gauge<'experiment' | 'fault' | 'service'>;
  runs: Counter<'experiment' | 'verdict'>;
  faultsApplied: Counter<'fault'>;
  faultsReverted: Counter<'fault'>;
  governorRejections: Counter<'limit'>;
  resilience: Gauge<'service'>;
  resilienceScenario: Gauge<'scenario'>;
}

/**
 * Marks a run's faults as applied on the active gauge and returns the undo.
 * Runs sharing the labels (the same experiment twice under
 * concurrencyPolicy Allow) keep the series at 1 until the last one ends.
 */
export function markActive(metrics: ChaosMetrics, labels: { experiment: string; fault: string; service: string }): () => void {
  const key = `${labels.experiment}\u0000${labels.fault}\u0000${labels.service}`;
  activeCounts.set(key, (activeCounts.get(key) ?? 0) + 1);
  metrics.active.set(labels, 1);
  return () => {
    const left = (activeCounts.get(key) ?? 1) - 1;
    if (left > 0) return void activeCounts.set(key, left);
    activeCounts.delete(key);
    metrics.active.remove(labels);
  };
}
const activeCounts = new Map<string, number>();

/** Every verdict a run can end with, as faultline_chaos_runs_total labels it. */
const verdicts: Array<Exclude<RunStatus, 'pending' | 'running'>> = ['passed', 'failed', 'aborted', 'error', 'interrupted'];

/**
 * Creates faultline_chaos_runs_total{experiment, verdict} at 0 for every
 * verdict (idempotent). Call it before an experiment's first increment: a
 * series that comes into being at 1 has no earlier sample, so Prometheus'
 * increase() never sees its first run.
 */
export function initExperimentRuns(metrics: ChaosMetrics, experiment: string): void {
  for (const verdict of verdicts) metrics.runs.inc({ experiment, verdict }, 0);
}

/**
 * The chaos metrics, with every series whose labels are known up front
 * (fault types, governor limits) already at 0 for the same reason.
 */
export function createChaosMetrics(registry: Registry): ChaosMetrics {
  const metrics = createInstruments(registry);
  for (const fault of faultTypes) {
    metrics.faultsApplied.inc({ fault }, 0);
    metrics.faultsReverted.inc({ fault }, 0);
  }
  for (const limit of governorLimits) metrics.governorRejections.inc({ limit }, 0);
  return metrics;
}

function createInstruments(registry: Registry): ChaosMetrics {
  return {
    active: new Gauge({
      name: 'faultline_chaos_experiment_active',
      help: '1 while an experiment has faults applied.',
      labelNames: ['experiment', 'fault', 'service'],
      registers: [registry],
    }),
    runs: new Counter({ name: 'faultline_chaos_runs_total', help: 'Finished experiment runs by verdict.', labelNames: ['experiment', 'verdict'], registers: [registry] }),
    faultsApplied: new Counter({ name: 'faultline_chaos_faults_applied_total', help: 'Faults applied to instances.', labelNames: ['fault'], registers: [registry] }),
    faultsReverted: new Counter({ name: 'faultline_chaos_faults_reverted_total', help: 'Faults reverted on instances.', labelNames: ['fault'], registers: [registry] }),
    governorRejections: new Counter({
      name: 'faultline_chaos_governor_rejections_total',
      help: 'Runs the blast-radius governor refused, by limit.',
      labelNames: ['limit'],
      registers: [registry],
    }),
    resilience: new Gauge({
      name: 'faultline_chaos_resilience_score',
      help: 'Impact-weighted share of passed runs per service (0..1).',
      labelNames: ['service'],
      registers: [registry],
    }),
    resilienceScenario: new Gauge({
      name: 'faultline_chaos_scenario_resilience_score',
      help: 'Impact-weighted share of passed runs per scenario (0..1).',
      labelNames: ['scenario'],
      registers: [registry],
    }),
  };
}
