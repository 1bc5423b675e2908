import type { ProxyFaultSpec } from './specs.ts';
import { expectTarget, onceRevert, type ApplyContext, type ResolvedTarget, type Revert } from './fault.ts';

/**
 * Hands a fault to a fault proxy, which holds a lease of its own: if the
 * agent dies, the proxy still drops the fault when the lease ends.
 */
export async function applyOnProxy(target: ResolvedTarget, spec: ProxyFaultSpec, ctx: ApplyContext): Promise<Revert> {
  const { proxy } = expectTarget(target, spec, ['proxy']);
  const { id } = await proxy.addFault(spec, ctx.lease.ttlMs, ctx.owner);
  ctx.lease.onRenew((_expiresAt, ttlMs) => {
    Promise.resolve()
      .then(() => proxy.renewFault(id, ttlMs))
      .catch((err: unknown) => ctx.logger.warn({ err, faultId: ctx.faultId, proxy: proxy.name }, 'proxy no longer holds the fault'));
  });
  return onceRevert(() => proxy.removeFault(id));
}
