import type { Redis } from 'ioredis';
import type { RunRecord } from './run-record.ts';

export interface ResilienceScore {
  subject: string;
  /** Impact-weighted share of passed runs, 0..1; null before any counted run. */
  score: number | null;
  runs: number;
  passed: number;
}

/**
 * Runs that tested something: faults were applied and the system earned a
 * verdict. A run an operator (or a global halt, or a shutdown) stopped says
 * nothing about the system, nor does an error or an interrupted run.
 */
export function counts(run: RunRecord): boolean {
  return run.applied === true && run.haltedBy === undefined && (run.status === 'passed' || run.status === 'failed' || run.status === 'aborted');
}

/**
 * Passed runs over all counted runs, each weighted by its fault type's
 * impact, grouped by `groupOf` (service or scenario).
 */
export function resilienceScores(runs: RunRecord[], weights: Partial<Record<string, number>>, groupOf: (r: RunRecord) => string | undefined): ResilienceScore[] {
  const groups = new Map<string, { w: number; wPassed: number; runs: number; passed: number }>();
  for (const run of runs.filter(counts)) {
    const subject = groupOf(run);
    if (!subject) continue;
    const g = groups.get(subject) ?? { w: 0, wPassed: 0, runs: 0, passed: 0 };
    const w = weights[run.fault] ?? 1;
    g.w += w;
    g.runs++;
    if (run.status === 'passed') {
      g.wPassed += w;
      g.passed++;
    }
    groups.set(subject, g);
  }
  return [...groups.entries()]
    .map(([subject, g]) => ({ subject, score: g.w > 0 ? g.wPassed / g.w : null, runs: g.runs, passed: g.passed }))
    .sort((a, b) => a.subject.localeCompare(b.subject));
}

const HISTORY_KEY = (kind: string, subject: string) => `faultline:chaos:resilience:${kind}:${subject}`;
const HISTORY_MAX = 500;

/** Appends a score to its history (newest last, capped). */
export async function recordScore(redis: Redis, kind: 'service' | 'scenario', s: ResilienceScore, atMs: number): Promise<void> {
  if (s.score === null) return;
  const key = HISTORY_KEY(kind, s.subject);
  await redis.multi().rpush(key, JSON.stringify({ atMs, score: s.score, runs: s.runs })).ltrim(key, -HISTORY_MAX, -1).exec();
}

export async function scoreHistory(redis: Redis, kind: 'service' | 'scenario', subject: string): Promise<Array<{ atMs: number; score: number; runs: number }>> {
  return (await redis.lrange(HISTORY_KEY(kind, subject), 0, -1)).map((t) => JSON.parse(t));
}
