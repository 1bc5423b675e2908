import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, context, propagation, trace, type Context, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import {
  ATTR_MESSAGING_DESTINATION_NAME, ATTR_MESSAGING_MESSAGE_ID, ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE, ATTR_MESSAGING_SYSTEM,
} from '@opentelemetry/semantic-conventions/incubating';
import { Redis } from 'ioredis';
import { errorMessage } from '../../platform/errors.ts';
import { queueKey } from './instance-config.ts';

// Async calls: a Redis list per queue. The producer injects the W3C trace
// context into the message, the consumer continues the trace from it, so a
// PRODUCER span and its CONSUMER span share one trace as they would with
// Kafka or RabbitMQ instrumentation.

interface Message {
  id: string;
  /** Path of the operation the consumer runs. */
  operation: string;
  headers: Record<string, string>;
}

function messagingAttributes(redisUrl: string, queue: string, operation: 'send' | 'process') {
  const url = new URL(redisUrl);
  return {
    [ATTR_MESSAGING_SYSTEM]: 'redis',
    [ATTR_MESSAGING_DESTINATION_NAME]: queue,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: Number(url.port || 6379),
  };
}

export class QueueProducer {
  constructor(
    private readonly redis: Redis,
    private readonly tracer: Tracer,
    private readonly scenario: string,
    private readonly redisUrl: string,
  ) {}

  async send(queue: string, operation: string): Promise<void> {
    const id = randomUUID();
    const span = this.tracer.startSpan(`send ${queue}`, {
      kind: SpanKind.PRODUCER,
      attributes: { ...messagingAttributes(this.redisUrl, queue, 'send'), [ATTR_MESSAGING_MESSAGE_ID]: id },
    }, context.active());
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    try {
      const message: Message = { id, operation, headers };
      await this.redis.lpush(queueKey(this.scenario, queue), JSON.stringify(message));
    } catch (err) {
      span.setAttribute(ATTR_ERROR_TYPE, 'send_failed');
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
      throw err;
    } finally {
      span.end();
    }
  }
}

export type MessageHandler = (operation: string, ctx: Context) => Promise<void>;

/**
 * Competing consumers: every instance of the consuming service pops from the
 * same lists. Each message is processed inside a CONSUMER span whose parent
 * is the producer's span.
 */
export class QueueConsumer {
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly tracer: Tracer,
    private readonly scenario: string,
    private readonly redisUrl: string,
    private readonly queues: string[],
    private readonly handle: MessageHandler,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    const keys = this.queues.map((q) => queueKey(this.scenario, q));
    this.loop = (async () => {
      while (!this.stopped) {
        let popped: [string, string] | null = null;
        try {
          popped = await this.redis.brpop(...keys, 1);
        } catch (err) {
          if (this.stopped) return;
          this.onError(err);
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        if (!popped) continue;
        const queue = this.queues[keys.indexOf(popped[0])];
        void this.process(queue, popped[1]);
      }
    })();
  }

  private async process(queue: string, raw: string): Promise<void> {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch (err) {
      this.onError(err);
      return;
    }
    const parent = propagation.extract(context.active(), message.headers);
    const span = this.tracer.startSpan(`process ${queue}`, {
      kind: SpanKind.CONSUMER,
      attributes: { ...messagingAttributes(this.redisUrl, queue, 'process'), [ATTR_MESSAGING_MESSAGE_ID]: message.id },
    }, parent);
    try {
      await this.handle(message.operation, trace.setSpan(parent, span));
    } catch (err) {
      span.setAttribute(ATTR_ERROR_TYPE, 'process_failed');
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
    } finally {
      span.end();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.redis.disconnect();
    await this.loop;
  }
}
