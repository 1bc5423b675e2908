import { isRunning } from './resolve.ts';

// Terminates processes: SIGKILL at once, or SIGTERM and then SIGKILL for
// whatever still runs after the grace period. The escalation runs on a timer
// of its own, so the caller (a fault apply, under a lease) need not wait the
// whole grace period: it waits as long as it can afford and reports what
// happened by then; `settled` reports the end.

export interface KillOutcome {
  pid: number;
  /**
   * gone: already gone, never signalled; exited: ended after the first
   * signal; escalated: needed SIGKILL after the grace period; terminating:
   * still running when this was reported (SIGKILL is scheduled, or was just
   * sent); survived: still ran 2 s after SIGKILL (uninterruptible sleep).
   */
  outcome: 'gone' | 'exited' | 'escalated' | 'terminating' | 'survived';
}

export interface KillReport {
  outcomes: KillOutcome[];
  /** With SIGTERM: when SIGKILL follows for what still runs (ms since epoch). */
  escalateAtMs?: number;
  /** The final outcomes, once escalation and reaping are over. */
  settled: Promise<KillOutcome[]>;
}

export interface KillOptions {
  /** With SIGTERM: how long before SIGKILL. */
  gracePeriodMs: number;
  /** Stop waiting (not killing) at this time (ms since epoch); outcomes still pending show as terminating. */
  waitUntilMs: number;
  /** Stops the wait early (not the escalation). */
  abort: AbortSignal;
}

const POLL_MS = 25;
const REAP_WAIT_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function killProcesses(pids: number[], signal: 'SIGKILL' | 'SIGTERM', options: KillOptions): Promise<KillReport> {
  const sent = new Map<number, 'first' | 'escalated' | 'gone'>();
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      sent.set(pid, 'first');
    } catch {
      sent.set(pid, 'gone');
    }
  }
  let done = false;
  const outcome = (pid: number): KillOutcome['outcome'] => {
    const how = sent.get(pid)!;
    if (how === 'gone') return 'gone';
    if (isRunning(pid)) return done ? 'survived' : 'terminating';
    return how === 'escalated' ? 'escalated' : 'exited';
  };
  const escalateAtMs = signal === 'SIGTERM' ? Date.now() + options.gracePeriodMs : undefined;
  const settled = (async () => {
    if (escalateAtMs !== undefined) {
      while (pids.some(isRunning) && Date.now() < escalateAtMs) await sleep(Math.min(POLL_MS, escalateAtMs - Date.now()));
      for (const pid of pids) {
        if (sent.get(pid) !== 'first' || !isRunning(pid)) continue;
        try {
          process.kill(pid, 'SIGKILL');
          sent.set(pid, 'escalated');
        } catch {
          // it exited on its own in the meantime
        }
      }
    }
    // SIGKILL is delivered asynchronously: report only once the kernel is done.
    const reapBy = Date.now() + REAP_WAIT_MS;
    while (pids.some(isRunning) && Date.now() < reapBy) await sleep(5);
    done = true;
    return pids.map((pid) => ({ pid, outcome: outcome(pid) }));
  })();
  const waitMs = Math.max(0, options.waitUntilMs - Date.now());
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  await Promise.race([
    settled,
    new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); }),
    new Promise<void>((resolve) => {
      onAbort = () => resolve();
      if (options.abort.aborted) resolve();
      else options.abort.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
  clearTimeout(timer);
  if (onAbort) options.abort.removeEventListener('abort', onAbort);
  const outcomes = pids.map((pid) => ({ pid, outcome: outcome(pid) }));
  const pending = outcomes.some((o) => o.outcome === 'terminating');
  return { outcomes, ...(pending && escalateAtMs !== undefined && Date.now() < escalateAtMs ? { escalateAtMs } : {}), settled };
}
