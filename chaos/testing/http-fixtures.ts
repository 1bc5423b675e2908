import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A real HTTP upstream and a small client for proxy and fault tests.

export interface Upstream {
  port: number;
  close(): Promise<void>;
}

/**
 * Answers every request with its body length and the port the request came
 * from (so a test can tell whether the proxy reused its upstream connection).
 * `GET /bytes/N` answers N bytes.
 */
export async function startUpstream(): Promise<Upstream> {
  const server: Server = createServer((req, res) => {
    let received = 0;
    req.on('data', (chunk: Buffer) => { received += chunk.length; });
    req.on('end', () => {
      const sized = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
      if (sized) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': sized[1] });
        res.end(Buffer.alloc(Number(sized[1]), 97));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream-peer-port': String(req.socket.remotePort) });
      res.end(JSON.stringify({ received, url: req.url }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  elapsedMs: number;
}

export function httpCall(
  port: number,
  options: { path?: string; method?: string; body?: Buffer | string; chunked?: boolean; agent?: Agent; timeoutMs?: number } = {},
): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request({
      host: '127.0.0.1', port, path: options.path ?? '/', method: options.method ?? (options.body ? 'POST' : 'GET'),
      agent: options.agent, headers,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), elapsedMs: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('timed out')));
    if (options.body !== undefined) {
      if (options.chunked) {
        const body = Buffer.from(options.body);
        req.write(body.subarray(0, Math.floor(body.length / 2)));
        req.write(body.subarray(Math.floor(body.length / 2)));
      } else req.write(options.body);
    }
    req.end();
  });
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 });
}
