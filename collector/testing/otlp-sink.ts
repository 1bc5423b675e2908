import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricBatch } from '../../model/metrics.ts';
import type { Span, TraceBatch } from '../../model/trace.ts';
import {
  decodeLogsJson, decodeLogsProto, decodeMetricsJson, decodeMetricsProto, decodeTracesJson, decodeTracesProto,
} from '../otlp/index.ts';

export interface SinkSpan extends Span {
  serviceName: string;
}

/**
 * A downstream OTLP/HTTP endpoint for tests: it decodes what a collector
 * forwards (--forward-otlp) with the codec, so a test can compare what a
 * real exporter sent with what the collector accepted and passed on.
 */
export interface OtlpSink {
  url: string;
  traces: TraceBatch[];
  metrics: MetricBatch[];
  logRecords: number;
  /** Content types seen per path, e.g. '/v1/traces application/json'. */
  requests: string[];
  /** The headers of each request, in order. */
  headers: IncomingHttpHeaders[];
  spans(): SinkSpan[];
  /** Resolves once `predicate` holds (checked on every request), or rejects after timeoutMs. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const waiters: Array<() => void> = [];
  const sink: OtlpSink = {
    url: '',
    traces: [],
    metrics: [],
    logRecords: 0,
    requests: [],
    headers: [],
    spans() {
      return this.traces.flatMap((b) => b.resourceSpans.flatMap((rs) =>
        // Without where each span sat in its request: that differs from request to request.
        rs.scopeSpans.flatMap((ss) => ss.spans.map(({ protoAt: _at, protoEnd: _end, ...s }) => ({ ...s, serviceName: rs.resource.serviceName })))));
    },
    waitFor(predicate, timeoutMs = 10_000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the sink did not receive what was expected in time')), timeoutMs);
        const check = () => {
          if (!predicate()) return void waiters.push(check);
          clearTimeout(timer);
          resolve();
        };
        waiters.push(check);
      });
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Decoded from a plain Uint8Array, as the codec's own golden tests do.
      const joined = Buffer.concat(chunks);
      const body = new Uint8Array(joined.buffer, joined.byteOffset, joined.length);
      const json = (req.headers['content-type'] ?? '').startsWith('application/json');
      sink.requests.push(`${req.url} ${req.headers['content-type']}`);
      sink.headers.push(req.headers);
      try {
        if (req.url === '/v1/traces') sink.traces.push((json ? decodeTracesJson : decodeTracesProto)(body, Date.now()).batch);
        else if (req.url === '/v1/metrics') sink.metrics.push((json ? decodeMetricsJson : decodeMetricsProto)(body, Date.now()).batch);
        else if (req.url === '/v1/logs') sink.logRecords += (json ? decodeLogsJson : decodeLogsProto)(body).batch;
        res.writeHead(200).end();
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
      for (const check of waiters.splice(0)) check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}
