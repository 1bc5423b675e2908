import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { z } from 'zod';
import { errorResponder } from '../../platform/api/error-handler.ts';
import { describeZodError } from '../../platform/config/load.ts';
import { HttpError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { isProxyFaultSpec, parseFaultSpec } from '../faults/specs.ts';
import { DEFAULT_MAX_LEASE_MS } from '../leases/lease.ts';
import type { FaultProxy } from './fault-proxy.ts';

// The standalone proxy's HTTP control API:
//   GET    /faults                    list
//   POST   /faults                    {fault, leaseMs, owner?} -> {id}
//   POST   /faults/:id/renew          {leaseMs}
//   DELETE /faults/:id                remove one
//   DELETE /faults?owner=NAME         remove all of one owner
//   GET    /healthz
// With a token, every route but /healthz needs `Authorization: Bearer TOKEN`.

function leaseMsSchema(maxLeaseMs: number) {
  return z.number({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a number') })
    .int({ error: 'expected a whole number of milliseconds' })
    .positive({ error: 'must be positive' })
    .max(maxLeaseMs, { error: `must be at most ${maxLeaseMs} ms (the proxy's --max-lease-ms)` });
}

function addBody(maxLeaseMs: number) {
  return z.object({
    // Checked by parseFaultSpec; only its presence here.
    fault: z.custom<unknown>((value) => value !== undefined, { error: 'required' }),
    leaseMs: leaseMsSchema(maxLeaseMs),
    owner: z.string().min(1).max(100).optional(),
  }).strict();
}

function renewBody(maxLeaseMs: number) {
  return z.object({ leaseMs: leaseMsSchema(maxLeaseMs) }).strict();
}

async function body<T>(c: { req: { json(): Promise<unknown> } }, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HttpError(400, 'body: expected JSON');
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new HttpError(400, describeZodError(result.error));
  return result.data;
}

/** `maxLeaseMs`: the longest lease a fault may ask for; default DEFAULT_MAX_LEASE_MS, as the agent's. */
export function controlApp(proxy: FaultProxy, logger: Logger, token?: string, maxLeaseMs = DEFAULT_MAX_LEASE_MS): Hono {
  const app = new Hono();
  app.onError(errorResponder(logger));
  app.get('/healthz', (c) => c.json({ status: 'ok', proxy: proxy.name }));
  if (token) {
    const expected = Buffer.from(`Bearer ${token}`);
    app.use('*', async (c, next) => {
      const given = Buffer.from(c.req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'missing or wrong bearer token');
      await next();
    });
  }
  app.get('/faults', (c) => c.json({ proxy: proxy.name, faults: proxy.faults(), connections: proxy.connectionCount() }));
  app.post('/faults', async (c) => {
    const { fault, leaseMs, owner } = await body(c, addBody(maxLeaseMs));
    const spec = parseFaultSpec(fault);
    if (!isProxyFaultSpec(spec)) throw new HttpError(400, `fault.type: a proxy carries latency, abort, partition and bandwidth faults, not ${spec.type}`);
    return c.json(proxy.addFault(spec, leaseMs, owner), 201);
  });
  app.post('/faults/:id/renew', async (c) => {
    const { leaseMs } = await body(c, renewBody(maxLeaseMs));
    proxy.renewFault(c.req.param('id'), leaseMs);
    return c.json({ id: c.req.param('id'), leaseMs });
  });
  app.delete('/faults/:id', async (c) => {
    await proxy.removeFault(c.req.param('id'));
    return c.body(null, 204);
  });
  app.delete('/faults', async (c) => {
    const owner = c.req.query('owner');
    if (!owner) throw new HttpError(400, 'owner: required (query parameter)');
    return c.json({ removed: await proxy.removeFaultsOwnedBy(owner) });
  });
  return app;
}

export interface ControlServer {
  port: number;
  close(): Promise<void>;
}

export function startControlServer(app: Hono, host: string, port: number): Promise<ControlServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        close: () => new Promise((done) => {
          server.close(() => done());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      });
    });
    server.once('error', reject);
  });
}
