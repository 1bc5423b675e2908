import { killProcesses } from '../drivers/process/kill.ts';
import { expectTarget, onceRevert, throwIfAborted, type FaultModule } from './fault.ts';

// Kill: terminates a share of the target processes (at least one). Nothing
// to undo: bringing processes back is their supervisor's job, so the revert
// only records that the fault is over.
export const killFault: FaultModule<'kill'> = {
  type: 'kill',
  targets: ['process'],
  async apply(target, spec, signal, ctx) {
    throwIfAborted(signal);
    const { pids } = expectTarget(target, spec, ['process']);
    const count = Math.max(1, Math.round(pids.length * spec.share));
    const chosen = [...pids].sort(() => Math.random() - 0.5).slice(0, count);
    const outcomes = await killProcesses(chosen, spec.signal, spec.gracePeriodMs, signal);
    ctx.logger.info({ faultId: ctx.faultId, outcomes }, 'processes killed');
    return onceRevert(async () => {});
  },
};
