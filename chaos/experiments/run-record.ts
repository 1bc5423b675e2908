import type { CheckResult } from './checks.ts';

export type Verdict = 'passed' | 'failed' | 'aborted' | 'error';
export type RunStatus = 'pending' | 'running' | Verdict | 'interrupted';

export interface TimelineEvent {
  atMs: number;
  event: string;
  detail?: string;
}

export interface RunRecord {
  id: string;
  experiment: string;
  service: string;
  /** The scenario the targets belong to, when they come from one. */
  scenario?: string;
  fault: string;
  /** Whether any fault was actually applied (the run tested something). */
  applied?: boolean;
  status: RunStatus;
  /** Why it ended the way it did. */
  reason?: string;
  dryRun: boolean;
  who: string;
  /** Instances resolved once at the start; the run never acts on others. */
  targets: string[];
  /**
   * For progressive runs: the step reached (1-based) of how many, and its
   * percentage; `refused` when the governor refused the next step (the run
   * then stayed at the step reached for the rest of its duration).
   */
  step?: { reached: number; of: number; percent: number; refused?: { step: number; percent: number; message: string } };
  timeline: TimelineEvent[];
  /** Hypothesis values before, during (samples) and after; dry runs also show the abort conditions now. */
  signals: { before: CheckResult[]; during: CheckResult[][]; after: CheckResult[]; abort?: CheckResult[] };
  /**
   * Dry runs: what the governor would answer now for the first step, and
   * for progressive runs for every step (a preview; nothing is taken).
   */
  governor?: { admitted: boolean; limit?: string; message?: string; steps?: StepPreview[] };
  /** Who halted the run (the token name as the audit log records it, or 'shutdown'), when it was halted. */
  haltedBy?: string;
  createdAtMs: number;
  startedAtMs?: number;
  endedAtMs?: number;
  /** Scheduled runs: the slot time the scheduler fired for. */
  scheduledForMs?: number;
}

export interface StepPreview {
  step: number;
  percent: number;
  instances: string[];
  admitted: boolean;
  limit?: string;
  message?: string;
}

/** Samples of "during" signals kept per run (the first and the latest). */
export const MAX_DURING_SAMPLES = 120;

export function isFinished(status: RunStatus): boolean {
  return status !== 'pending' && status !== 'running';
}
