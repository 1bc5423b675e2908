import { startCpuLoad } from '../drivers/stress/cpu-load.ts';
import { expectTarget, onceRevert, throwIfAborted, type FaultModule } from './fault.ts';

// CPU: load N cores at P% with burner children that end themselves at the
// lease's end or when the agent dies.
export const cpuFault: FaultModule<'cpu'> = {
  type: 'cpu',
  targets: ['host'],
  async apply(target, spec, signal, ctx) {
    expectTarget(target, spec, ['host']);
    throwIfAborted(signal);
    const load = await startCpuLoad(spec.cores, spec.percent, ctx.lease.expiresAt, `${ctx.owner}/${ctx.faultId}`);
    ctx.lease.onRenew((expiresAt) => load.extend(expiresAt));
    if (signal.aborted) {
      await load.stop();
      throwIfAborted(signal);
    }
    ctx.logger.info({ faultId: ctx.faultId, pids: load.pids }, 'cpu load started');
    return onceRevert(() => load.stop());
  },
};
