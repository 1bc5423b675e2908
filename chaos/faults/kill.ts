import { killProcesses } from '../drivers/process/kill.ts';
import { expectTarget, onceRevert, throwIfAborted, type FaultModule } from './fault.ts';

// Kill: terminates a share of the target processes (at least one). Nothing
// to undo: bringing processes back is their supervisor's job, so the revert
// only records that the fault is over. With SIGTERM the apply waits for the
// processes no longer than its lease allows; SIGKILL after the grace period
// follows on its own timer, so a grace period longer than the lease is fine.

/** The apply answers this long before its lease ends at the latest. */
const LEASE_MARGIN_MS = 1000;

export const killFault: FaultModule<'kill'> = {
  type: 'kill',
  targets: ['process'],
  async apply(target, spec, signal, ctx) {
    throwIfAborted(signal);
    const { pids } = expectTarget(target, spec, ['process']);
    const count = Math.max(1, Math.round(pids.length * spec.share));
    const chosen = [...pids].sort(() => Math.random() - 0.5).slice(0, count);
    const report = await killProcesses(chosen, spec.signal, {
      gracePeriodMs: spec.gracePeriodMs, waitUntilMs: ctx.lease.expiresAt - LEASE_MARGIN_MS, abort: signal,
    });
    ctx.note?.({ kill: report.outcomes, ...(report.escalateAtMs ? { escalateAtMs: report.escalateAtMs } : {}) });
    ctx.logger.info({ faultId: ctx.faultId, outcomes: report.outcomes, escalateAtMs: report.escalateAtMs }, 'processes signalled');
    if (report.outcomes.some((o) => o.outcome === 'terminating')) {
      void report.settled.then((outcomes) => ctx.logger.info({ faultId: ctx.faultId, outcomes }, 'kill finished'));
    }
    return onceRevert(async () => {});
  },
};
