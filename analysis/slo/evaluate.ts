import { formatDuration, parseDurationMs } from '../../platform/duration.ts';
import { SEVERITIES, type Severity, type SloRuntime } from './slo-runtime.ts';

export interface WindowStatus {
  window: string;
  windowMs: number;
  bad: number;
  total: number;
  /** bad / total; null without events. */
  errorRatio: number | null;
  /** errorRatio / budget ratio: 1 spends the budget exactly over the period. */
  burnRate: number | null;
  /** Whether the window holds at least alerting.minEventsPerWindow events. */
  sufficient: boolean;
}

export interface SeverityCondition {
  /** Some window pair burns faster than its multiplier in both windows. */
  holds: boolean;
  /** A pair would hold, but one of its windows has too few events. */
  insufficientData: boolean;
}

export interface SloEvaluation {
  evaluatedAtMs: number;
  windows: WindowStatus[];
  /** 1 - burn rate over the period; negative once the budget is overspent. */
  budgetRemainingRatio: number | null;
  /** Burn rate over the last 5 minutes, as Sloth's slo:current_burn_rate:ratio. */
  currentBurnRate: number | null;
  /** How long the remaining budget lasts at the current burn rate; null when not burning. */
  timeToExhaustionMs: number | null;
  conditions: Record<Severity, SeverityCondition>;
}

export function evaluateSlo(rt: SloRuntime, nowMs: number): SloEvaluation {
  const min = rt.spec.alerting.minEventsPerWindow;
  const byMs = new Map<number, WindowStatus>();
  const windowAt = (windowMs: number): WindowStatus => {
    let w = byMs.get(windowMs);
    if (!w) {
      const c = rt.events.counts(nowMs, windowMs);
      const bad = Math.max(0, c.bad);
      const errorRatio = c.total > 0 ? Math.min(1, bad / c.total) : null;
      w = {
        window: formatDuration(windowMs), windowMs, bad, total: c.total, errorRatio,
        burnRate: errorRatio === null ? null : errorRatio / rt.budgetRatio,
        sufficient: c.total >= min && c.total > 0,
      };
      byMs.set(windowMs, w);
    }
    return w;
  };
  const windows = rt.windowNames.map((name) => windowAt(parseDurationMs(name)!));

  const conditions = {} as Record<Severity, SeverityCondition>;
  for (const sev of SEVERITIES) {
    let holds = false;
    let insufficientData = false;
    for (const pair of rt.policies[sev].pairs) {
      const long = windowAt(pair.longMs);
      const short = windowAt(pair.shortMs);
      const threshold = pair.burnRate * rt.budgetRatio;
      const over = (long.errorRatio ?? 0) > threshold && (short.errorRatio ?? 0) > threshold;
      if (!over) continue;
      if (long.sufficient && short.sufficient) holds = true;
      else insufficientData = true;
    }
    conditions[sev] = { holds, insufficientData: insufficientData && !holds };
  }

  const period = windowAt(rt.periodMs);
  const budgetRemainingRatio = period.burnRate === null ? null : 1 - period.burnRate;
  const currentBurnRate = windowAt(300_000).burnRate;
  let timeToExhaustionMs: number | null = null;
  if (currentBurnRate !== null && currentBurnRate > 0) {
    // At burn rate B the whole budget lasts period / B; what is left lasts its share of that.
    timeToExhaustionMs = Math.max(0, budgetRemainingRatio ?? 1) * rt.periodMs / currentBurnRate;
  }
  return { evaluatedAtMs: nowMs, windows, budgetRemainingRatio, currentBurnRate, timeToExhaustionMs, conditions };
}
