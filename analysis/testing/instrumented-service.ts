// A tiny HTTP service instrumented by hand with the real OpenTelemetry SDK
// (server and client spans, W3C trace context propagation, OTLP/HTTP
// export), run as a child process by the analysis tests.
//
// Environment: SERVICE_NAME, INSTANCE_ID, OTLP_HTTP (base URL), FAIL_EVERY
// (answer 500 on every n-th request; 0 = never), CALLS (JSON array of
// downstream calls per request: {"url": "..."} or {"db": {"system": "...", "namespace": "..."}}).
// Prints {"port": N} once listening; flushes its spans and exits on SIGTERM.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

type Call = { url: string } | { db: { system: string; namespace: string } };

const serviceName = process.env.SERVICE_NAME ?? 'unknown_service';
const calls = JSON.parse(process.env.CALLS ?? '[]') as Call[];
const failEvery = Number(process.env.FAIL_EVERY ?? '0');
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': serviceName, 'service.instance.id': process.env.INSTANCE_ID ?? `${serviceName}-1` }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${process.env.OTLP_HTTP}/v1/traces` }), { scheduledDelayMillis: 200 })],
});
const tracer = provider.getTracer('faultline-instrumented-service');
const propagator = new W3CTraceContextPropagator();
let served = 0;

const server = createServer((req, res) => {
  const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const span = tracer.startSpan(`${req.method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path } }, parent);
  const ctx = trace.setSpan(parent, span);
  const n = ++served;
  void (async () => {
    for (const call of calls) {
      if ('db' in call) {
        const db = tracer.startSpan(`SELECT ${call.db.namespace}`, { kind: SpanKind.CLIENT, attributes: { 'db.system': call.db.system, 'db.namespace': call.db.namespace } }, ctx);
        await new Promise((r) => setTimeout(r, 1));
        db.end();
        continue;
      }
      const target = new URL(call.url);
      const client = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': target.hostname, 'server.port': Number(target.port) } }, ctx);
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(ctx, client), headers, defaultTextMapSetter);
      try {
        const answer = await fetch(call.url, { headers });
        await answer.arrayBuffer();
        client.setAttribute('http.response.status_code', answer.status);
      } finally {
        client.end();
      }
    }
    const status = failEvery > 0 && n % failEvery === 0 ? 500 : 200;
    span.setAttribute('http.response.status_code', status);
    span.end();
    res.writeHead(status).end(serviceName);
  })().catch((err: unknown) => {
    span.end();
    res.writeHead(502).end(String(err));
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void provider.shutdown().finally(() => process.exit(0));
});
