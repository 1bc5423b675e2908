import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { BatchConsumer } from '../model/pipeline.ts';
import type { TraceBatch } from '../model/trace.ts';
import { silentLogger } from '../platform/logger.ts';
import { createCollectorMetrics } from './metrics.ts';
import { BatchQueue, type QueueEntry } from './queue.ts';

function traces(spanCount: number): QueueEntry {
  const batch: TraceBatch = { resourceSpans: [], spanCount, receivedAtMs: 0 };
  return { signal: 'traces', batch, items: spanCount };
}

function setup(capacityItems: number, consumers: BatchConsumer[]) {
  const registry = new Registry();
  const metrics = createCollectorMetrics(registry);
  const queue = new BatchQueue({ capacityItems, consumers, metrics, logger: silentLogger() });
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
    return v?.value ?? 0;
  };
  return { queue, value };
}

describe('BatchQueue', () => {
  it('accepts up to its capacity, refuses beyond it, and delivers everything accepted in order', async () => {
    const seen: number[] = [];
    const { queue, value } = setup(100, [{ name: 'c', consumeTraces: (b) => void seen.push(b.spanCount) }]);
    const results = [40, 50, 20, 10].map((n) => queue.offer(traces(n)));
    assert.deepEqual(results, ['accepted', 'accepted', 'full', 'accepted']);
    assert.equal(queue.items, 100);
    assert.equal(await value('faultline_collector_queue_items'), 100);
    await queue.drained();
    assert.deepEqual(seen, [40, 50, 10]);
    assert.equal(queue.items, 0);
    assert.equal(await value('faultline_collector_queue_items'), 0);
    assert.equal(await value('faultline_collector_consumed_batches_total', { signal: 'traces' }), 3);
  });

  it('accepts one batch larger than the whole capacity when empty, so no request size is locked out', async () => {
    const { queue } = setup(10, []);
    assert.equal(queue.offer(traces(500)), 'accepted');
    assert.equal(queue.offer(traces(1)), 'full');
    await queue.drained();
    assert.equal(queue.offer(traces(1)), 'accepted');
  });

  it('keeps delivering to the other consumers when one throws, and counts the failure', async () => {
    const seen: string[] = [];
    const { queue, value } = setup(100, [
      { name: 'broken', consumeTraces: () => { throw new Error('boom'); } },
      { name: 'ok', consumeTraces: () => void seen.push('t'), consumeMetrics: () => void seen.push('m'), consumeLogs: (n) => void seen.push(`l${n}`) },
    ]);
    queue.offer(traces(1));
    queue.offer({ signal: 'metrics', batch: { resourceMetrics: [], dataPointCount: 2, receivedAtMs: 0 }, items: 2 });
    queue.offer({ signal: 'logs', items: 3 });
    queue.offer(traces(1));
    await queue.drained();
    assert.deepEqual(seen, ['t', 'm', 'l3', 't']);
    assert.equal(await value('faultline_collector_consumer_errors_total', { consumer: 'broken', signal: 'traces' }), 2);
  });

  it('after close refuses new batches but still delivers the queued ones', async () => {
    let delivered = 0;
    const { queue } = setup(100, [{ name: 'c', consumeTraces: (b) => void (delivered += b.spanCount) }]);
    queue.offer(traces(7));
    queue.close();
    assert.equal(queue.offer(traces(1)), 'stopping');
    await queue.drained();
    assert.equal(delivered, 7);
  });

  it('sees consumers added after it was created', async () => {
    const consumers: BatchConsumer[] = [];
    const { queue } = setup(100, consumers);
    let got = 0;
    consumers.push({ name: 'late', consumeTraces: (b) => void (got = b.spanCount) });
    queue.offer(traces(5));
    await queue.drained();
    assert.equal(got, 5);
  });
});
