import { fillDisk, fillFileName } from '../drivers/stress/disk-fill.ts';
import { expectTarget, onceRevert, throwIfAborted, type FaultModule } from './fault.ts';

// Disk fill: one file fills the filesystem of `path` up to `percent`. A
// watchdog child deletes it at the lease's end or when the agent dies.
export const diskFillFault: FaultModule<'disk-fill'> = {
  type: 'disk-fill',
  targets: ['host'],
  async apply(target, spec, signal, ctx) {
    expectTarget(target, spec, ['host']);
    throwIfAborted(signal);
    const fill = await fillDisk(spec.path, spec.percent, fillFileName(ctx.owner, ctx.faultId), ctx.lease.expiresAt, signal);
    ctx.lease.onRenew((expiresAt) => fill.watchdog.extend(expiresAt));
    ctx.logger.info({ faultId: ctx.faultId, file: fill.file, bytes: fill.bytes }, 'disk filled');
    return onceRevert(() => fill.remove());
  },
};
