import { AlertTracker, type AlertTransition, type AlertTrackerSnapshot, type SloAlert } from './alert-tracker.ts';
import type { BucketChanges } from './event-windows.ts';
import { evaluateSlo, type SloEvaluation } from './evaluate.ts';
import { createRuntime, SEVERITIES, type SloRuntime } from './slo-runtime.ts';
import type { SloSpec } from './spec.ts';

export interface SloStatus {
  name: string;
  service: string;
  objective: number;
  window: string;
  sli: SloSpec['sli'];
  /** Null until the first evaluation. */
  evaluation: SloEvaluation | null;
  /**
   * 'no data' when the SLO window holds no events at all (a wrong service or
   * metric name, or no traffic yet); 'insufficient data' when a burn condition
   * holds on too few events to alert.
   */
  dataStatus: 'ok' | 'insufficient data' | 'no data';
  alerts: SloAlert[];
}

/** What a checkpoint writes: bucket changes per SLO since the last one, and every alert state. */
export interface EngineCheckpoint {
  savedAtMs: number;
  slos: Array<{ name: string; identity: string } & BucketChanges>;
  alerts: AlertTrackerSnapshot;
}

/** What a checkpoint holds when loaded: stored buckets (hash fields) per SLO and the alert states. */
export interface StoredState {
  savedAtMs: number;
  buckets: Record<string, Record<string, string>>;
  /** countersIdentity() of each SLO when its buckets were saved. */
  identities: Record<string, string>;
  alerts: AlertTrackerSnapshot;
}

/**
 * What the stored counters of an SLO mean: the same service, SLI and longest
 * window. Counters only carry over (on replace or restore) when it matches.
 */
export function countersIdentity(rt: SloRuntime): string {
  return JSON.stringify({ service: rt.spec.service, sli: rt.spec.sli, longest: rt.windowNames.at(-1) });
}

export function alertNameOf(spec: SloSpec): string {
  return spec.alerting.name ?? `${spec.name.split(/[-_]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}BudgetBurn`;
}

/**
 * The SLO engine: specs, their event counters, the last evaluation of each and
 * the alerts. `evaluate()` is driven by the part's timer (or a test's clock)
 * and returns the alert transitions the notifier should deliver.
 */
export class SloEngine {
  private readonly runtimes = new Map<string, SloRuntime>();
  private readonly evaluations = new Map<string, SloEvaluation>();
  readonly alerts = new AlertTracker();

  constructor(private readonly now: () => number) {}

  /** Adds or replaces an SLO. Counters survive a replacement that keeps the SLI and windows. */
  upsert(spec: SloSpec): { created: boolean } {
    const old = this.runtimes.get(spec.name);
    const next = createRuntime(spec);
    if (old && countersIdentity(old) === countersIdentity(next)) {
      next.events = old.events;
    }
    this.runtimes.set(spec.name, next);
    this.evaluations.delete(spec.name);
    return { created: !old };
  }

  remove(name: string): AlertTransition[] {
    this.runtimes.delete(name);
    this.evaluations.delete(name);
    return this.alerts.forget(name, this.now());
  }

  runtimesList(): SloRuntime[] {
    return [...this.runtimes.values()];
  }

  get(name: string): SloRuntime | undefined {
    return this.runtimes.get(name);
  }

  record(name: string, atMs: number, bad: number, total: number): void {
    this.runtimes.get(name)?.events.add(atMs, bad, total);
  }

  evaluate(): AlertTransition[] {
    const nowMs = this.now();
    const transitions: AlertTransition[] = [];
    for (const rt of this.runtimes.values()) {
      const ev = evaluateSlo(rt, nowMs);
      this.evaluations.set(rt.spec.name, ev);
      const alertname = alertNameOf(rt.spec);
      for (const severity of SEVERITIES) {
        const labels = {
          ...rt.spec.labels, ...rt.spec.alerting.labels,
          alertname, slo: rt.spec.name, service: rt.spec.service, severity,
        };
        const burns = ev.windows.filter((w) => w.burnRate !== null).map((w) => `${w.window}=${w.burnRate!.toFixed(2)}x`).join(' ');
        // The SLO's own annotations win over the generated ones, as in Sloth.
        const annotations = {
          summary: `${rt.spec.name} (${rt.spec.service}): error budget burn rate is too fast`,
          description: `objective ${rt.spec.objective}% over ${rt.spec.window}; burn rates ${burns}`,
          ...rt.spec.alerting.annotations,
        };
        transitions.push(...this.alerts.update(labels, { slo: rt.spec.name, severity, annotations }, ev.conditions[severity].holds, nowMs, rt.policies[severity].forMs));
      }
    }
    return transitions;
  }

  status(name: string): SloStatus | undefined {
    const rt = this.runtimes.get(name);
    if (!rt) return undefined;
    const ev = this.evaluations.get(name) ?? null;
    const insufficient = ev !== null && SEVERITIES.some((s) => ev.conditions[s].insufficientData);
    const empty = ev === null || (ev.windows.at(-1)?.total ?? 0) === 0;
    return {
      name, service: rt.spec.service, objective: rt.spec.objective, window: rt.spec.window, sli: rt.spec.sli,
      evaluation: ev, dataStatus: empty ? 'no data' : insufficient ? 'insufficient data' : 'ok',
      alerts: this.alerts.activeAlerts().filter((a) => a.slo === name),
    };
  }

  statuses(): SloStatus[] {
    return [...this.runtimes.keys()].sort().map((n) => this.status(n)!);
  }

  checkpointChanges(): EngineCheckpoint {
    const slos = [...this.runtimes].map(([name, rt]) => ({ name, identity: countersIdentity(rt), ...rt.events.takeChanges() }));
    return { savedAtMs: this.now(), slos, alerts: this.alerts.snapshot() };
  }

  /** After a failed save the stored buckets are behind: the next checkpoint rewrites them all. */
  markFullSync(): void {
    for (const rt of this.runtimes.values()) rt.events.markFullSync();
  }

  /**
   * Loads counters of SLOs that exist now, and every alert of those SLOs.
   * Returns the firing alerts of SLOs that are gone (their file was removed
   * while Faultline was down): they are resolved now.
   */
  restore(stored: StoredState): SloAlert[] {
    for (const [name, fields] of Object.entries(stored.buckets)) {
      const rt = this.runtimes.get(name);
      // Counters of a different SLI would be wrong: start afresh (the next save replaces them).
      if (rt && stored.identities[name] === countersIdentity(rt)) rt.events.restoreFields(fields);
    }
    const nowMs = this.now();
    const gone: SloAlert[] = [];
    const active: SloAlert[] = [];
    for (const a of stored.alerts.active) {
      if (this.runtimes.has(a.slo)) active.push(a);
      else if (a.state === 'firing') gone.push({ ...a, state: 'resolved', endsAtMs: nowMs });
    }
    this.alerts.restore({ active, resolved: [...gone, ...stored.alerts.resolved] });
    return gone;
  }
}
