import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import type { ProxyFaultSpec } from './specs.ts';
import { expectTarget, onceRevert, type ApplyContext, type ResolvedTarget, type Revert } from './fault.ts';

/**
 * Hands a fault to a fault proxy, which holds a lease of its own: if the
 * agent dies, the proxy still drops the fault when the lease ends.
 */
export async function applyOnProxy(target: ResolvedTarget, spec: ProxyFaultSpec, ctx: ApplyContext): Promise<Revert> {
  const { proxy } = expectTarget(target, spec, ['proxy']);
  const { id } = await proxy.addFault(spec, ctx.lease.ttlMs, ctx.owner);
  // A renewal the proxy refuses (it dropped the fault, or cannot be reached)
  // fails the renew command, so the caller learns the fault may be over.
  ctx.lease.onRenew(async (_expiresAt, ttlMs) => {
    try {
      await proxy.renewFault(id, ttlMs);
    } catch (err) {
      ctx.logger.warn({ err, faultId: ctx.faultId, proxy: proxy.name }, 'proxy did not take the renewal');
      throw new FaultlineError(ErrorCode.Unavailable, `proxy ${proxy.name} did not renew the fault: ${errorMessage(err)}`, { cause: err });
    }
  });
  return onceRevert(() => proxy.removeFault(id));
}
