import { Queue, Worker, type Job } from 'bullmq';
import type { Counter } from 'prom-client';
import type { Logger } from '../../platform/logger.ts';
import { errorMessage } from '../../platform/errors.ts';
import type { SloAlert } from '../slo/alert-tracker.ts';
import type { NotifyConfig } from '../slo/config.ts';
import type { NotifyTarget } from '../slo/spec.ts';
import { bullConnection } from '../../platform/redis/bull-connection.ts';
import { postableAlerts, webhookPayload } from './payloads.ts';

export interface DeliveryJob {
  target: string;
  url: string;
  body: unknown;
}

export interface TargetStatus {
  target: string;
  url: string;
  delivered: number;
  /** Attempts that failed and will be retried. */
  retried: number;
  /** Notifications given up after every attempt failed. */
  failed: number;
  lastError?: string;
  lastErrorAtMs?: number;
  lastDeliveredAtMs?: number;
}

export interface NotifierOptions {
  redisUrl: string;
  queueName: string;
  config: NotifyConfig;
  /** Base URL for generatorURL/externalURL. */
  externalUrl: () => string;
  logger: Logger;
  counter: Counter<'target' | 'outcome'>;
  enqueueErrors: Counter;
  now?: () => number;
}

export function targetName(t: NotifyTarget): string {
  return t.name ?? `${t.type}:${t.url}`;
}

function deliveryUrl(t: NotifyTarget): string {
  return t.type === 'alertmanager' ? `${t.url.replace(/\/$/, '')}/api/v2/alerts` : t.url;
}

/**
 * Delivers alert notifications through a BullMQ queue: `notify()` only
 * enqueues (and never throws), a worker POSTs with a timeout, and failed
 * attempts are retried with exponential backoff. So a slow or dead target
 * never delays evaluation; its failures show in status() and metrics.
 */
export class Notifier {
  private readonly queue: Queue<DeliveryJob>;
  private readonly worker: Worker<DeliveryJob>;
  private readonly stats = new Map<string, TargetStatus>();
  private readonly now: () => number;

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? Date.now;
    const connection = bullConnection(options.redisUrl);
    this.queue = new Queue<DeliveryJob>(options.queueName, { connection });
    this.queue.on('error', (err) => options.logger.warn({ err: err.message }, 'notification queue error'));
    const timeoutMs = options.config.requestTimeoutMs;
    this.worker = new Worker<DeliveryJob>(options.queueName, async (job: Job<DeliveryJob>) => {
      const res = await fetch(job.data.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job.data.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status} from ${job.data.url}`);
    }, { connection, concurrency: options.config.concurrency });
    this.worker.on('error', (err) => options.logger.warn({ err: err.message }, 'notification worker error'));
    this.worker.on('completed', (job) => {
      const s = this.statusOf(job.data);
      s.delivered += 1;
      s.lastDeliveredAtMs = this.now();
      options.counter.inc({ target: job.data.target, outcome: 'delivered' });
    });
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const s = this.statusOf(job.data);
      s.lastError = err.message;
      s.lastErrorAtMs = this.now();
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      if (final) s.failed += 1;
      else s.retried += 1;
      options.counter.inc({ target: job.data.target, outcome: final ? 'failed' : 'retried' });
      options.logger.warn({ target: job.data.target, attempt: job.attemptsMade, final, err: err.message }, 'notification delivery failed');
    });
  }

  private statusOf(job: { target: string; url: string }): TargetStatus {
    let s = this.stats.get(job.target);
    if (!s) this.stats.set(job.target, (s = { target: job.target, url: job.url, delivered: 0, retried: 0, failed: 0 }));
    return s;
  }

  /** Queues one notification per target for these alerts (one group). Never throws, never waits. */
  notify(alerts: SloAlert[], targets: NotifyTarget[]): void {
    if (alerts.length === 0) return;
    for (const target of targets) {
      const name = targetName(target);
      const url = deliveryUrl(target);
      this.statusOf({ target: name, url });
      const body = target.type === 'webhook'
        ? webhookPayload(name, alerts, this.options.externalUrl())
        : postableAlerts(alerts, this.options.externalUrl(), this.now(), 4 * this.options.config.alertmanagerResendMs);
      this.queue.add('deliver', { target: name, url, body }, {
        attempts: this.options.config.attempts,
        backoff: { type: 'exponential', delay: this.options.config.backoffMs },
        removeOnComplete: 1000,
        removeOnFail: 1000,
      }).catch((err: unknown) => {
        this.options.enqueueErrors.inc();
        this.options.logger.warn({ target: name, err: errorMessage(err) }, 'could not queue a notification');
      });
    }
  }

  status(): TargetStatus[] {
    return [...this.stats.values()].sort((a, b) => a.target.localeCompare(b.target));
  }

  async close(): Promise<void> {
    // Force: a delivery in flight to a dead target is not waited for; BullMQ retries it after a restart.
    await this.worker.close(true);
    await this.queue.close();
  }
}
