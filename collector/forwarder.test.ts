import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { silentLogger } from '../platform/logger.ts';
import { Forwarder } from './forwarder.ts';
import { createCollectorMetrics } from './metrics.ts';

interface Received { path: string; contentType: string; body: Buffer }

/** A downstream OTLP/HTTP endpoint that answers with the statuses it is given, in turn. */
async function downstream(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status === 503 ? { 'Retry-After': '0' } : {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received, server };
}

function forwarder(url: string, capacityBatches = 10) {
  const registry = new Registry();
  const metrics = createCollectorMetrics(registry);
  const f = new Forwarder({ baseUrl: url, capacityBatches, metrics, logger: silentLogger(), initialBackoffMs: 10, maxAttempts: 3, concurrency: 1 });
  const value = async (name: string, labels: Record<string, string>) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    return m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l))?.value ?? 0;
  };
  return { f, value };
}

describe('Forwarder', () => {
  const servers: Server[] = [];
  after(() => { for (const s of servers) s.close(); });

  it('sends the bytes as received to <base>/v1/<signal> with their content type, retrying 503', async () => {
    const d = await downstream([503, 200, 200]);
    servers.push(d.server);
    const { f, value } = forwarder(d.url);
    f.offer('traces', 'protobuf', Buffer.from([1, 2, 3]));
    f.offer('metrics', 'json', Buffer.from('{"resourceMetrics":[]}'));
    await f.stop(Date.now() + 5000);
    assert.deepEqual(d.received.map((r) => [r.path, r.contentType, r.body.toString('hex')]), [
      ['/v1/traces', 'application/x-protobuf', '010203'],
      ['/v1/traces', 'application/x-protobuf', '010203'],
      ['/v1/metrics', 'application/json', Buffer.from('{"resourceMetrics":[]}').toString('hex')],
    ]);
    assert.equal(await value('faultline_forwarder_sent_batches_total', { signal: 'traces' }), 1);
    assert.equal(await value('faultline_forwarder_retries_total', { signal: 'traces' }), 1);
  });

  it('counts a batch the endpoint rejects (400) and one that exhausts its retries', async () => {
    const d = await downstream([400, 503, 503, 503]);
    servers.push(d.server);
    const { f, value } = forwarder(d.url);
    f.offer('traces', 'protobuf', Buffer.from([1]));
    f.offer('logs', 'protobuf', Buffer.from([2]));
    await f.stop(Date.now() + 5000);
    assert.equal(await value('faultline_forwarder_undeliverable_batches_total', { signal: 'traces', reason: 'rejected' }), 1);
    assert.equal(await value('faultline_forwarder_undeliverable_batches_total', { signal: 'logs', reason: 'retries_exhausted' }), 1);
    assert.equal(d.received.length, 4);
  });

  it('drops and counts batches beyond its capacity and those still unsent at the stop deadline', async () => {
    // Nothing listens on this port: every attempt fails and is retried.
    const d = await downstream([]);
    const { url } = d;
    await new Promise<void>((r) => d.server.close(() => r()));
    const { f, value } = forwarder(url, 2);
    for (let i = 0; i < 4; i++) f.offer('traces', 'protobuf', Buffer.from([i]));
    await f.stop(Date.now() + 50);
    assert.equal(await value('faultline_forwarder_undeliverable_batches_total', { signal: 'traces', reason: 'queue_full' }), 1);
    const stopping = await value('faultline_forwarder_undeliverable_batches_total', { signal: 'traces', reason: 'stopping' });
    const exhausted = await value('faultline_forwarder_undeliverable_batches_total', { signal: 'traces', reason: 'retries_exhausted' });
    assert.equal(stopping + exhausted, 3);
  });
});
