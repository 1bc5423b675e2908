import { throwIfAborted, type FaultModule } from './fault.ts';
import { applyOnProxy } from './on-proxy.ts';

// Latency: delay plus jitter on a share of requests or connections, per direction.
// Carried out by the fault proxy in front of the target (chaos/proxy).
export const latencyFault: FaultModule<'latency'> = {
  type: 'latency',
  targets: ['proxy'],
  async apply(target, spec, signal, ctx) {
    throwIfAborted(signal);
    return applyOnProxy(target, spec, ctx);
  },
};
