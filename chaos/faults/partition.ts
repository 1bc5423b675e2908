import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import { addRules, deleteRulesTagged, extendRules, ruleTag, type PartitionRule } from '../drivers/network/iptables.ts';
import type { PartitionSpec } from './specs.ts';
import { onceRevert, throwIfAborted, type ApplyContext, type FaultModule, type Revert } from './fault.ts';
import { applyOnProxy } from './on-proxy.ts';

// Partition: no traffic between the target and its peers (or everyone).
// On a proxy target the proxy holds (blackhole) or resets the connections it
// carries; on a network target iptables rules do it in the target's
// network namespace, existing connections included.
export const partitionFault: FaultModule<'partition'> = {
  type: 'partition',
  targets: ['proxy', 'network'],
  async apply(target, spec, signal, ctx) {
    throwIfAborted(signal);
    if (target.kind === 'network') return applyWithIptables(target.netns, spec, ctx);
    return applyOnProxy(target, spec, ctx);
  },
};

export function partitionRules(spec: PartitionSpec): PartitionRule[] {
  const ways: Array<'in' | 'out'> = spec.direction === 'both' ? ['in', 'out'] : spec.direction === 'upstream' ? ['in'] : ['out'];
  const peers = spec.peers.length > 0 ? spec.peers : [undefined];
  return ways.flatMap((way) => peers.map((peer) => ({ way, peer, mode: spec.mode })));
}

async function applyWithIptables(netns: string | undefined, spec: PartitionSpec, ctx: ApplyContext): Promise<Revert> {
  if (spec.share < 1) {
    throw new FaultlineError(ErrorCode.InvalidInput, 'fault.share: a network partition cuts all traffic to its peers; use a proxy target for a share of connections');
  }
  const rules = partitionRules(spec);
  const tag = ruleTag(ctx.owner, ctx.faultId);
  await addRules(netns, rules, tag, ctx.lease.expiresAt);
  // Renewals move the rules' in-kernel expiry; they run one after another.
  let pending: Promise<void> = Promise.resolve();
  let reverted = false;
  ctx.lease.onRenew((expiresAt) => {
    const step = pending.then(() => (reverted ? undefined : extendRules(netns, rules, tag, expiresAt))).catch((err: unknown) => {
      ctx.logger.error({ err, faultId: ctx.faultId }, 'could not extend partition rules');
      throw new FaultlineError(ErrorCode.Unavailable, `the partition rules were not extended (they end at their earlier time): ${errorMessage(err)}`, { cause: err });
    });
    pending = step.catch(() => undefined);
    return step;
  });
  return onceRevert(async () => {
    reverted = true;
    await pending;
    await deleteRulesTagged(netns, (t) => t === tag);
  });
}
