import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { silentLogger, type Logger } from '../../platform/logger.ts';
import type { FaultProxyHandle } from '../faults/fault.ts';
import type { ProxyFaultSpec } from '../faults/specs.ts';
import type { Clock } from '../leases/clock.ts';
import { LeaseTable } from '../leases/lease.ts';
import { FaultSet, type ActiveFault } from './fault-set.ts';
import { ProxiedConnection } from './proxied-connection.ts';

// Faultline's own TCP proxy with HTTP awareness, one per service instance.
// Every fault it carries has a lease held here: when the lease ends the proxy
// drops the fault by itself, whatever happened to whoever added it.

export interface FaultProxyOptions {
  name: string;
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** 0 picks a free port (see FaultProxy.port). */
  listenPort: number;
  upstreamHost: string;
  upstreamPort: number;
  logger?: Logger;
  clock?: Clock;
}

export interface ProxyFaultInfo {
  id: string;
  spec: ProxyFaultSpec;
  owner?: string;
  addedAt: number;
  expiresAt: number;
}

export interface FaultProxy extends FaultProxyHandle {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly upstream: { host: string; port: number };
  addFault(spec: ProxyFaultSpec, leaseMs: number, owner?: string): { id: string };
  renewFault(id: string, leaseMs: number): void;
  removeFault(id: string): Promise<void>;
  /** Removes every fault `owner` added; returns how many. */
  removeFaultsOwnedBy(owner: string): Promise<number>;
  faults(): ProxyFaultInfo[];
  /** Open client connections. */
  connectionCount(): number;
  /** Reverts every fault, stops listening and closes all connections. */
  close(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const logger = (options.logger ?? silentLogger()).child({ proxy: options.name });
  const listenHost = options.listenHost ?? '127.0.0.1';
  const upstream = { host: options.upstreamHost, port: options.upstreamPort };
  const faultSet = new FaultSet();
  const connections = new Set<ProxiedConnection>();
  let nextConnId = 1;
  const leases = new LeaseTable({
    clock: options.clock,
    onExpired: (id, err) => {
      if (err) logger.error({ err, faultId: id }, 'fault lease ended but removing the fault failed');
      else logger.info({ faultId: id }, 'fault lease ended; fault removed');
    },
  });

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (socket: Socket) => {
    const conn = new ProxiedConnection(nextConnId++, socket, faultSet, upstream, logger, (c) => connections.delete(c));
    connections.add(conn);
    conn.start().catch((err: unknown) => {
      logger.warn({ err }, 'proxied connection failed');
      conn.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new FaultlineError(ErrorCode.Unavailable, `fault proxy ${options.name} cannot listen on ${listenHost}:${options.listenPort}: ${err.message}`));
    });
    server.listen(options.listenPort, listenHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ listen: `${listenHost}:${port}`, upstream: `${upstream.host}:${upstream.port}` }, 'fault proxy listening');

  const revertFault = (id: string) => async () => {
    const fault = faultSet.get(id);
    if (faultSet.remove(id)) logger.info({ faultId: id, type: fault?.spec.type }, 'fault removed');
  };

  const proxy: FaultProxy = {
    name: options.name,
    host: listenHost,
    port,
    upstream,
    addFault(spec, leaseMs, owner) {
      if (spec.type === 'partition' && spec.peers.length > 0) {
        throw new FaultlineError(ErrorCode.InvalidInput, 'fault.peers: a proxy partition cuts the proxied service from all its callers; peers are for network targets');
      }
      const id = randomUUID();
      const fault: ActiveFault = { id, spec, owner, addedAt: Date.now() };
      leases.grant(id, leaseMs, revertFault(id));
      faultSet.add(fault);
      for (const conn of connections) conn.faultAdded(fault);
      logger.info({ faultId: id, spec, leaseMs, owner }, 'fault added');
      return { id };
    },
    renewFault(id, leaseMs) {
      leases.renew(id, leaseMs);
    },
    async removeFault(id) {
      await leases.release(id);
    },
    async removeFaultsOwnedBy(owner) {
      const owned = faultSet.list().filter((f) => f.owner === owner);
      for (const fault of owned) await leases.release(fault.id);
      return owned.length;
    },
    faults() {
      const expiry = new Map(leases.list().map((l) => [l.id, l.expiresAt]));
      return faultSet.list().map((f) => ({ ...f, expiresAt: expiry.get(f.id) ?? f.addedAt }));
    },
    connectionCount: () => connections.size,
    async close() {
      await leases.releaseAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const conn of connections) conn.destroy();
      });
      logger.info('fault proxy stopped');
    },
  };
  return proxy;
}
