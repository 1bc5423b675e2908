// A service configured the way most users configure the OpenTelemetry Node.js
// SDK: @opentelemetry/sdk-node with nothing in code but the service's own
// spans and a counter; exporter, endpoint, protocol, headers, service name and
// metric interval all come from the standard OTEL_* environment variables.
//
// Role from argv[2]: `server` answers on a free port and prints {"port": N};
// `client URL N` makes N calls to URL (every 5th to /fail, answered 500) and
// exits. Both flush on exit (SIGTERM for the server).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, context, metrics, propagation, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';

const sdk = new NodeSDK();
sdk.start();
const tracer = trace.getTracer('env-configured-service');
const calls = metrics.getMeter('env-configured-service').createCounter('app.calls', { unit: '{call}' });

if (process.argv[2] === 'server') {
  const server = createServer((req, res) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(`${req.method} ${req.url}`, { kind: SpanKind.SERVER }, parent);
    const status = req.url === '/fail' ? 500 : 200;
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    calls.add(1, { role: 'server' });
    span.end();
    res.writeHead(status).end();
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
  process.once('SIGTERM', () => {
    server.close();
    void sdk.shutdown().then(() => process.exit(0));
  });
} else {
  const [, , , url, n] = process.argv;
  for (let i = 0; i < Number(n); i++) {
    const span = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'server.address': '127.0.0.1' } });
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    const answer = await fetch(`${url}/${i % 5 === 0 ? 'fail' : 'ok'}`, { headers });
    await answer.arrayBuffer();
    span.setAttribute('http.response.status_code', answer.status);
    if (answer.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    calls.add(1, { role: 'client' });
    span.end();
  }
  await sdk.shutdown();
}
