import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { startFaultline, type FaultlineProcess } from '../platform/testing/faultline-process.ts';
import { scrape, sumSeries } from '../platform/testing/prom-text.ts';
import { fixed64, hex, len, msg } from './otlp/proto-builder.ts';
import { goldenSpans } from './otlp/sdk-fixtures.ts';
import { startOtlpSink, type OtlpSink } from './testing/otlp-sink.ts';

// --forward-otlp as a user runs it: headers for the downstream, only what was
// accepted is passed on, and a downstream that never answers cannot hold
// up a SIGTERM.

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/** One valid span and one whose trace ID is 8 bytes (rejected: partial success). */
function twoSpans(): Uint8Array {
  const span = (traceId: string, spanId: string) => len(2, len(1, hex(traceId)), len(2, hex(spanId)), len(5, 'op'),
    fixed64(7, 1_700_000_000_000_000_000n), fixed64(8, 1_700_000_000_500_000_000n));
  return msg(len(1, len(2, span(TRACE_ID, 'eee19b7ec3c1b175'), span('0102030405060708', 'eee19b7ec3c1b176'))));
}

describe('--forward-otlp with headers passes on only what was accepted', () => {
  let fl: FaultlineProcess;
  let sink: OtlpSink;
  before(async () => {
    sink = await startOtlpSink();
    fl = await startFaultline({
      args: ['--forward-otlp', sink.url],
      env: { FAULTLINE_FORWARD_OTLP_HEADERS: 'Authorization=Bearer%20down-stream, X-Scope-OrgID=team-a' },
    });
  });
  after(async () => {
    await fl?.stop('SIGKILL');
    await sink?.close();
  });

  it('forwards the valid span of a partial success, not the rejected one, with the configured headers', async () => {
    for (const [contentType, body] of [
      ['application/x-protobuf', twoSpans()],
      ['application/json', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b177', name: 'op' }, { traceId: 'abcd', spanId: 'eee19b7ec3c1b178', name: 'op' },
      ] }] }] })],
    ] as const) {
      const response = await fetch(`${fl.addresses.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'Content-Type': contentType }, body: body as BodyInit });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    await sink.waitFor(() => sink.traces.length === 2);
    assert.deepEqual(sink.spans().map((s) => s.spanId).sort(), ['eee19b7ec3c1b175', 'eee19b7ec3c1b177']);
    assert.deepEqual(sink.requests, ['/v1/traces application/x-protobuf', '/v1/traces application/json']);
    for (const h of sink.headers) {
      assert.equal(h.authorization, 'Bearer down-stream');
      assert.equal(h['x-scope-orgid'], 'team-a');
    }
    const samples = await scrape(fl.addresses.api!);
    assert.equal(sumSeries(samples, 'faultline_forwarder_sent_spans_total'), 2);
    assert.equal(sumSeries(samples, 'faultline_receiver_refused_spans_total', { reason: 'invalid_item' }), 2);
  });
});

describe('SIGTERM with a --forward-otlp endpoint that never answers', () => {
  let fl: FaultlineProcess | undefined;
  let stuck: Server;
  before(async () => {
    // Takes every request and never answers it.
    stuck = createServer(() => undefined);
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await fl?.stop('SIGKILL');
    stuck.closeAllConnections();
    await new Promise((r) => stuck.close(r));
  });

  it('exits 0 well within the 10 s budget and counts what it could not forward', async () => {
    const f = await startFaultline({ args: ['--forward-otlp', `http://127.0.0.1:${(stuck.address() as AddressInfo).port}`] });
    fl = f;
    const body = ProtobufTraceSerializer.serializeRequest(goldenSpans())!;
    const batches = 6;
    for (let i = 0; i < batches; i++) {
      const response = await fetch(`${f.addresses.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: body as Uint8Array<ArrayBuffer> });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    const { code, elapsedMs } = await f.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(elapsedMs < 6000, `stopped in ${elapsedMs} ms`);
    const cutOff = f.logs.find((l) => String(l.msg).startsWith('forwarder stopped before the downstream took everything'));
    assert.ok(cutOff, 'the forwarder logged what it gave up on');
    assert.equal(cutOff.undeliverableBatches, batches);
    assert.equal(cutOff.undeliverableItems, batches * goldenSpans().length);
    assert.ok(f.logs.some((l) => l.msg === 'stopped'));
  });
});
