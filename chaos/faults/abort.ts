import { throwIfAborted, type FaultModule } from './fault.ts';
import { applyOnProxy } from './on-proxy.ts';

// Abort: a synthetic HTTP status for a share of requests, or TCP resets.
// Carried out by the fault proxy in front of the target (chaos/proxy).
export const abortFault: FaultModule<'abort'> = {
  type: 'abort',
  targets: ['proxy'],
  async apply(target, spec, signal, ctx) {
    throwIfAborted(signal);
    return applyOnProxy(target, spec, ctx);
  },
};
