import { throwIfAborted, type FaultModule } from './fault.ts';
import { applyOnProxy } from './on-proxy.ts';

// Bandwidth: a token-bucket rate limit per connection and direction.
// Carried out by the fault proxy in front of the target (chaos/proxy).
export const bandwidthFault: FaultModule<'bandwidth'> = {
  type: 'bandwidth',
  targets: ['proxy'],
  async apply(target, spec, signal, ctx) {
    throwIfAborted(signal);
    return applyOnProxy(target, spec, ctx);
  },
};
