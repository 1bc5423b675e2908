import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { silentLogger } from '../platform/logger.ts';
import { Forwarder, type ForwarderOptions } from './forwarder.ts';
import { createCollectorMetrics } from './metrics.ts';

interface Received { path: string; contentType: string; headers: IncomingHttpHeaders; body: Buffer }

/** A downstream OTLP/HTTP endpoint that answers with the statuses it is given, in turn; 0 means never answer. */
async function downstream(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const status = statuses.shift() ?? 200;
      if (status === 0) return;
      res.writeHead(status, status === 503 ? { 'Retry-After': '0' } : {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received, server };
}

function forwarder(url: string, options: Partial<ForwarderOptions> = {}) {
  const registry = new Registry();
  const metrics = createCollectorMetrics(registry);
  const f = new Forwarder({
    baseUrl: url, capacityBytes: 1024, metrics, logger: silentLogger(), initialBackoffMs: 10, maxAttempts: 3, concurrency: 1, ...options,
  });
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    return m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l))?.value ?? 0;
  };
  return { f, value };
}

describe('Forwarder', () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('sends the bytes to <base>/v1/<signal> with their content type and the configured headers, retrying 503, counting items', async () => {
    const d = await downstream([503, 200, 200]);
    servers.push(d.server);
    const { f, value } = forwarder(d.url, { headers: { Authorization: 'Bearer down-stream', 'X-Tenant': 'a b' } });
    f.offer('traces', 'protobuf', Buffer.from([1, 2, 3]), 3);
    f.offer('metrics', 'json', Buffer.from('{"resourceMetrics":[]}'), 7);
    await f.stop(Date.now() + 5000);
    assert.deepEqual(d.received.map((r) => [r.path, r.contentType, r.body.toString('hex')]), [
      ['/v1/traces', 'application/x-protobuf', '010203'],
      ['/v1/traces', 'application/x-protobuf', '010203'],
      ['/v1/metrics', 'application/json', Buffer.from('{"resourceMetrics":[]}').toString('hex')],
    ]);
    for (const r of d.received) {
      assert.equal(r.headers.authorization, 'Bearer down-stream');
      assert.equal(r.headers['x-tenant'], 'a b');
    }
    assert.equal(await value('faultline_forwarder_sent_batches_total', { signal: 'traces' }), 1);
    assert.equal(await value('faultline_forwarder_sent_spans_total'), 3);
    assert.equal(await value('faultline_forwarder_sent_metric_points_total'), 7);
    assert.equal(await value('faultline_forwarder_retries_total', { signal: 'traces' }), 1);
  });

  it('counts a batch the endpoint rejects (400) and one that exhausts its retries, in batches and items', async () => {
    const d = await downstream([400, 503, 503, 503]);
    servers.push(d.server);
    const { f, value } = forwarder(d.url);
    f.offer('traces', 'protobuf', Buffer.from([1]), 5);
    f.offer('logs', 'protobuf', Buffer.from([2]), 9);
    await f.stop(Date.now() + 5000);
    assert.equal(await value('faultline_forwarder_undeliverable_batches_total', { signal: 'traces', reason: 'rejected' }), 1);
    assert.equal(await value('faultline_forwarder_undeliverable_spans_total', { reason: 'rejected' }), 5);
    assert.equal(await value('faultline_forwarder_undeliverable_batches_total', { signal: 'logs', reason: 'retries_exhausted' }), 1);
    assert.equal(await value('faultline_forwarder_undeliverable_log_records_total', { reason: 'retries_exhausted' }), 9);
    assert.equal(d.received.length, 4);
  });

  it('holds at most capacityBytes (waiting and in flight) and counts what does not fit as queue_full', async () => {
    const d = await downstream([0, 0, 0, 0, 0, 0]); // never answers: everything stays held
    servers.push(d.server);
    const { f, value } = forwarder(d.url, { capacityBytes: 1000 });
    for (let i = 0; i < 5; i++) f.offer('traces', 'protobuf', Buffer.alloc(300), 10); // 3 fit in 1000 bytes
    assert.equal(await value('faultline_forwarder_queue_bytes'), 900);
    assert.equal(await value('faultline_forwarder_undeliverable_batches_total', { signal: 'traces', reason: 'queue_full' }), 2);
    assert.equal(await value('faultline_forwarder_undeliverable_spans_total', { reason: 'queue_full' }), 20);
    await f.stop(Date.now());
    assert.equal(await value('faultline_forwarder_queue_bytes'), 0);
  });

  it('takes one batch larger than its capacity when it holds nothing else', async () => {
    const d = await downstream([]);
    servers.push(d.server);
    const { f, value } = forwarder(d.url, { capacityBytes: 100 });
    f.offer('logs', 'protobuf', Buffer.alloc(500), 1);
    f.offer('logs', 'protobuf', Buffer.alloc(10), 1);
    await f.stop(Date.now() + 5000);
    assert.equal(await value('faultline_forwarder_sent_log_records_total'), 1);
    assert.equal(await value('faultline_forwarder_undeliverable_log_records_total', { reason: 'queue_full' }), 1);
  });

  it('at the stop deadline aborts what a never-answering endpoint holds and counts it (shutdown_timeout), on time', async () => {
    const d = await downstream([0, 0, 0]);
    servers.push(d.server);
    const { f, value } = forwarder(d.url, { requestTimeoutMs: 60_000 });
    for (let i = 0; i < 3; i++) f.offer('metrics', 'protobuf', Buffer.from([i]), 4);
    const start = Date.now();
    await f.stop(start + 300);
    const elapsedMs = Date.now() - start;
    assert.ok(elapsedMs >= 290 && elapsedMs < 1500, `stopped after ${elapsedMs} ms`);
    assert.equal(await value('faultline_forwarder_undeliverable_batches_total', { signal: 'metrics', reason: 'shutdown_timeout' }), 3);
    assert.equal(await value('faultline_forwarder_undeliverable_metric_points_total', { reason: 'shutdown_timeout' }), 12);
    assert.equal(await value('faultline_forwarder_queue_batches'), 0);
  });
});
