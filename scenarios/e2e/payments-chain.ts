import { parseScenario } from '../spec/load.ts';
import type { Scenario } from '../spec/schema.ts';

/**
 * frontend -> checkout -> payments (three instances), the chain the chaos
 * and origin tests inject latency into. Timeouts are generous so that only
 * the injected faults fail requests, even on a busy machine.
 */
export function paymentsChain(name: string, rps: number): Scenario {
  return parseScenario({
    apiVersion: 'faultline.dev/v1',
    kind: 'Scenario',
    metadata: { name },
    spec: {
      services: [
        { name: 'frontend', latencyMs: { p50: 1, p99: 3 }, calls: [{ service: 'checkout', operation: '/checkout' }], resilience: { timeoutMs: 15_000 } },
        { name: 'checkout', latencyMs: { p50: 1, p99: 3 }, calls: [{ service: 'payments', operation: '/charge' }], resilience: { timeoutMs: 5000 } },
        { name: 'payments', instances: 3, latencyMs: { p50: 2, p99: 5 } },
      ],
      load: { service: 'frontend', rps },
    },
  }, name);
}
