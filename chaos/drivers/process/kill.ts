import { isRunning } from './resolve.ts';

// Terminates processes: SIGKILL at once, or SIGTERM and then SIGKILL for
// whatever is still running after the grace period.

export interface KillOutcome {
  pid: number;
  /**
   * How it ended: killed by the first signal, needed SIGKILL after the grace
   * period, was already gone, or still ran 2 s after SIGKILL (uninterruptible sleep).
   */
  outcome: 'signalled' | 'escalated' | 'gone' | 'survived';
}

const POLL_MS = 25;
const REAP_WAIT_MS = 2000;

export async function killProcesses(
  pids: number[], signal: 'SIGKILL' | 'SIGTERM', gracePeriodMs: number, abort: AbortSignal,
): Promise<KillOutcome[]> {
  const outcomes = new Map<number, KillOutcome['outcome']>();
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      outcomes.set(pid, 'signalled');
    } catch {
      outcomes.set(pid, 'gone');
    }
  }
  if (signal === 'SIGTERM') {
    const deadline = Date.now() + gracePeriodMs;
    let waiting = pids.filter((p) => outcomes.get(p) === 'signalled' && isRunning(p));
    while (waiting.length > 0 && Date.now() < deadline && !abort.aborted) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      waiting = waiting.filter(isRunning);
    }
    for (const pid of waiting) {
      try {
        process.kill(pid, 'SIGKILL');
        outcomes.set(pid, 'escalated');
      } catch {
        // it exited on its own in the meantime
      }
    }
  }
  // SIGKILL is delivered asynchronously: report only once the kernel is done.
  const deadline = Date.now() + REAP_WAIT_MS;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return pids.map((pid) => ({ pid, outcome: isRunning(pid) ? 'survived' : outcomes.get(pid)! }));
}
