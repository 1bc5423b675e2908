import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTracesProto } from '../../collector/otlp/traces-proto.ts';
import type { Span } from '../../model/trace.ts';

export interface SinkSpan extends Span {
  service: string;
  instance?: string;
  namespace?: string;
}

/**
 * An OTLP/HTTP endpoint for scenario tests that decodes trace exports with
 * the collector's own protobuf codec and keeps metric export bodies as they
 * came (their metric names are readable in the bytes).
 */
export interface TraceSink {
  url: string;
  spans: SinkSpan[];
  metricBodies: Buffer[];
  waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTraceSink(): Promise<TraceSink> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/v1/traces') {
        const { batch } = decodeTracesProto(body, Date.now());
        for (const rs of batch.resourceSpans) {
          for (const ss of rs.scopeSpans) {
            for (const span of ss.spans) {
              sink.spans.push({ ...span, service: rs.resource.serviceName, instance: rs.resource.serviceInstanceId, namespace: rs.resource.serviceNamespace });
            }
          }
        }
      } else if (req.url === '/v1/metrics') {
        sink.metricBodies.push(body);
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sink: TraceSink = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: [],
    metricBodies: [],
    async waitFor(what, predicate, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  return sink;
}
