// The pairing store of the service graph, after the OpenTelemetry Collector's
// servicegraph connector (connector/servicegraphconnector/internal/store): a
// pure class with injected callbacks and clock. A half edge waits here until
// its other half arrives (then onComplete) or its TTL ends (then onExpire).

export enum ConnectionType {
  Direct = '',
  VirtualNode = 'virtual_node',
  MessagingSystem = 'messaging_system',
  Database = 'database',
}

export interface PendingEdge {
  traceId: string;
  connectionType: ConnectionType;
  clientService?: string;
  serverService?: string;
  clientLatencyMs?: number;
  serverLatencyMs?: number;
  failed: boolean;
  /** From the client span: where it says it calls (peer.service, then server.address). */
  peer?: string;
  expiresAtMs: number;
}

export type UpsertResult = 'added' | 'updated' | 'full';

export interface EdgeStoreOptions {
  ttlMs: number;
  maxItems: number;
  now: () => number;
  /** Both halves are known; the edge has already left the store. */
  onComplete: (edge: PendingEdge) => void;
  /** The TTL ended with one half missing; the edge has already left the store. */
  onExpire: (edge: PendingEdge) => void;
}

export class EdgeStore {
  // A Map iterates in insertion order and every entry gets the same TTL, so
  // the oldest entries (the next to expire) are always first.
  private readonly edges = new Map<string, PendingEdge>();

  constructor(private readonly options: EdgeStoreOptions) {}

  get size(): number {
    return this.edges.size;
  }

  /**
   * Creates the edge under `key` if absent (refused with 'full' at
   * maxItems), applies `update`, and completes it when both services are
   * known.
   */
  upsert(key: string, traceId: string, update: (edge: PendingEdge) => void): UpsertResult {
    let edge = this.edges.get(key);
    let result: UpsertResult = 'updated';
    if (!edge) {
      if (this.edges.size >= this.options.maxItems) return 'full';
      edge = { traceId, connectionType: ConnectionType.Direct, failed: false, expiresAtMs: this.options.now() + this.options.ttlMs };
      this.edges.set(key, edge);
      result = 'added';
    }
    update(edge);
    if (edge.clientService !== undefined && edge.serverService !== undefined) {
      this.edges.delete(key);
      this.options.onComplete(edge);
    }
    return result;
  }

  /** Removes every edge whose TTL has ended, oldest first; returns how many. */
  expire(): number {
    const now = this.options.now();
    let removed = 0;
    for (const [key, edge] of this.edges) {
      if (edge.expiresAtMs > now) break;
      this.edges.delete(key);
      this.options.onExpire(edge);
      removed++;
    }
    return removed;
  }
}
