import { parseDurationMs, formatDuration } from '../../platform/duration.ts';
import { EventWindows } from './event-windows.ts';
import type { SloSpec } from './spec.ts';

export type Severity = 'page' | 'ticket';
export const SEVERITIES: readonly Severity[] = ['page', 'ticket'];

/** The windows every SLO reports, besides its own period and policy windows. */
export const STANDARD_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

export interface WindowPair {
  burnRate: number;
  longMs: number;
  shortMs: number;
}

/** A parsed spec plus its counters: everything the engine needs per SLO. */
export interface SloRuntime {
  spec: SloSpec;
  /** objective / 100, e.g. 0.999. */
  objectiveRatio: number;
  /** 1 - objectiveRatio: the error budget as a ratio of events. */
  budgetRatio: number;
  periodMs: number;
  /** Window names to report, shortest first (standard, policy windows, the period). */
  windowNames: string[];
  policies: Record<Severity, { pairs: WindowPair[]; forMs: number }>;
  events: EventWindows;
}

export function createRuntime(spec: SloSpec): SloRuntime {
  const periodMs = parseDurationMs(spec.window)!;
  const names = new Set(STANDARD_WINDOWS);
  const policy = (sev: Severity) => {
    const p = spec.alerting[sev];
    for (const w of p.windows) {
      names.add(formatDuration(parseDurationMs(w.longWindow)!));
      names.add(formatDuration(parseDurationMs(w.shortWindow)!));
    }
    return {
      pairs: p.windows.map((w) => ({ burnRate: w.burnRate, longMs: parseDurationMs(w.longWindow)!, shortMs: parseDurationMs(w.shortWindow)! })),
      forMs: p.for ? parseDurationMs(p.for)! : 0,
    };
  };
  const policies = { page: policy('page'), ticket: policy('ticket') };
  names.add(formatDuration(periodMs));
  const windowNames = [...names].sort((a, b) => parseDurationMs(a)! - parseDurationMs(b)!);
  const maxWindowMs = parseDurationMs(windowNames[windowNames.length - 1])!;
  // Rounded so 99.9 gives exactly 0.999 (not 0.9990000000000001).
  const objectiveRatio = Number((spec.objective / 100).toPrecision(12));
  return {
    spec,
    objectiveRatio,
    // Rounded so 99.9 gives exactly 0.001 and burn rates print cleanly.
    budgetRatio: Number((1 - objectiveRatio).toPrecision(12)),
    periodMs,
    windowNames,
    policies,
    events: new EventWindows(maxWindowMs),
  };
}
