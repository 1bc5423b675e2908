import type { Tracer } from '@opentelemetry/api';
import { errorMessage } from '../../platform/errors.ts';
import type { ServiceSpec } from '../spec/schema.ts';
import { queryDatabase } from './database.ts';
import type { Downstream } from './downstream.ts';
import { sampleLatencyMs, sleep } from './latency.ts';
import type { QueueProducer } from './queue.ts';

export interface Outcome {
  status: number;
  /** Why the request failed, for the response body. */
  reason?: string;
}

/**
 * What one request to a service does: its own work, its database query, then
 * its downstream calls in order (each with its probability). A failed
 * critical synchronous call fails the request (502), as an application
 * without a fallback would; a non-critical one is tolerated. `errorRate`
 * adds failures of the service's own.
 */
export class ServiceBehaviour {
  constructor(
    private readonly scenario: string,
    private readonly service: ServiceSpec,
    private readonly tracer: Tracer,
    private readonly downstream: Downstream,
    private readonly producer: QueueProducer | undefined,
    private readonly random: () => number = Math.random,
  ) {}

  async handle(): Promise<Outcome> {
    await sleep(sampleLatencyMs(this.service.latencyMs, this.random));
    if (this.service.database) {
      try {
        await queryDatabase(this.tracer, this.service.database, this.scenario, this.service.name);
      } catch (err) {
        return { status: 500, reason: errorMessage(err) };
      }
    }
    for (const call of this.service.calls) {
      if (this.random() >= call.probability) continue;
      if (call.async) {
        try {
          await this.producer!.send(call.queue ?? call.service, call.operation);
        } catch (err) {
          return { status: 500, reason: `enqueue for ${call.service} failed: ${errorMessage(err)}` };
        }
        continue;
      }
      const result = await this.downstream.call(call.service, call.operation);
      if (!result.ok && call.critical) return { status: 502, reason: `${call.service}${call.operation}: ${result.reason}` };
    }
    if (this.random() < this.service.errorRate) return { status: 500, reason: 'internal error (errorRate)' };
    return { status: 200 };
  }
}
