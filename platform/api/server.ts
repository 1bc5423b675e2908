import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import { errorResponder } from './error-handler.ts';

/** Extra text for /metrics that a part renders itself (large series sets). */
export interface MetricsSource {
  /**
   * Prometheus text exposition (0.0.4), ending in a newline. A list of pieces
   * is streamed as it is, so 100,000 series never become one huge string.
   */
  render(): string | readonly string[] | Promise<string | readonly string[]>;
}

/** Bytes gathered before a piece of /metrics is written out. */
const METRICS_CHUNK_CHARS = 64 * 1024;

export interface ReadinessCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

export interface ApiServer {
  app: Hono;
  addMetricsSource(source: MetricsSource): void;
  addReadinessCheck(check: ReadinessCheck): void;
  setReady(ready: boolean): void;
  listen(host: string, port: number): Promise<AddressInfo>;
  close(): Promise<void>;
}

export function createApiServer(registry: Registry, logger: Logger): ApiServer {
  const app = new Hono();
  const sources: MetricsSource[] = [];
  const checks: ReadinessCheck[] = [];
  let ready = false;
  let server: ServerType | undefined;

  app.onError(errorResponder(logger));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const failing: string[] = [];
    if (!ready) failing.push('startup');
    for (const check of checks) {
      try {
        if (!(await check.check())) failing.push(check.name);
      } catch {
        failing.push(check.name);
      }
    }
    return failing.length === 0 ? c.json({ status: 'ready' }) : c.json({ status: 'not ready', failing }, 503);
  });
  app.get('/metrics', async (c) => {
    const pieces: Array<string | readonly string[]> = [await registry.metrics()];
    for (const source of sources) pieces.push(await source.render());
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let buffered = '';
        for (const piece of pieces) {
          for (const text of typeof piece === 'string' ? [piece] : piece) {
            buffered += text;
            if (buffered.length >= METRICS_CHUNK_CHARS) {
              controller.enqueue(encoder.encode(buffered));
              buffered = '';
            }
          }
        }
        if (buffered) controller.enqueue(encoder.encode(buffered));
        controller.close();
      },
    });
    return c.body(stream, 200, { 'Content-Type': registry.contentType });
  });

  return {
    app,
    addMetricsSource: (s) => void sources.push(s),
    addReadinessCheck: (c) => void checks.push(c),
    setReady: (r) => { ready = r; },
    listen(host, port) {
      return new Promise((resolve, reject) => {
        const s = serve({ fetch: app.fetch, hostname: host, port }, (info) => resolve(info));
        s.once('error', reject);
        server = s;
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
