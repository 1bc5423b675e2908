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
  /** The store's key for this edge (see EdgeStore). */
  storeKey: string;
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

/**
 * An edge is identified by (trace ID, key), the key being the client's span
 * ID. Span IDs are random 64-bit values, so the span ID alone is the map key
 * almost always: the decoder's interned ID strings are hashed once, where a
 * concatenated trace ID + span ID would be built, flattened and hashed for
 * every span. The rare span ID shared by two traces goes to a second map
 * under the concatenation.
 */
export class EdgeStore {
  // A Map iterates in insertion order and every entry gets the same TTL, so
  // the oldest entries (the next to expire) are always first.
  private readonly edges = new Map<string, PendingEdge>();
  private readonly collided = new Map<string, PendingEdge>();
  /** Whether the last open() created its edge. */
  private added = false;

  constructor(private readonly options: EdgeStoreOptions) {}

  get size(): number {
    return this.edges.size + this.collided.size;
  }

  /**
   * Creates the edge under (traceId, key) if absent (refused with 'full' at
   * maxItems), applies `update`, and completes it when both services are
   * known.
   */
  upsert(key: string, traceId: string, update: (edge: PendingEdge) => void): UpsertResult {
    const edge = this.open(key, traceId);
    if (edge === undefined) return 'full';
    const result = this.added ? 'added' : 'updated';
    update(edge);
    this.settle(edge);
    return result;
  }

  /**
   * The waiting edge under (traceId, key), created when absent; undefined
   * when it is absent and the store is full. The caller updates it and then
   * calls settle() (upsert() without a closure per span).
   */
  open(key: string, traceId: string): PendingEdge | undefined {
    let edge = this.edges.get(key);
    let storeKey = key;
    let map = this.edges;
    if (edge !== undefined && edge.traceId !== traceId) {
      storeKey = traceId + key;
      map = this.collided;
      edge = map.get(storeKey);
    } else if (edge === undefined && this.collided.size > 0) {
      // The first edge under this key may have left while a colliding one waits.
      edge = this.collided.get(traceId + key);
      if (edge !== undefined) map = this.collided;
    }
    this.added = edge === undefined;
    if (edge === undefined) {
      if (this.size >= this.options.maxItems) return undefined;
      edge = {
        traceId, connectionType: ConnectionType.Direct, clientService: undefined, serverService: undefined, clientLatencyMs: undefined,
        serverLatencyMs: undefined, failed: false, peer: undefined, expiresAtMs: this.options.now() + this.options.ttlMs, storeKey,
      };
      map.set(storeKey, edge);
    }
    return edge;
  }

  /** Completes (removes and reports) an edge from open() once both services are known. */
  settle(edge: PendingEdge): void {
    if (edge.clientService === undefined || edge.serverService === undefined) return;
    if (this.edges.get(edge.storeKey) === edge) this.edges.delete(edge.storeKey);
    else this.collided.delete(edge.storeKey);
    this.options.onComplete(edge);
  }

  /** Removes every edge whose TTL has ended, oldest first; returns how many. */
  expire(): number {
    return this.expireFrom(this.edges) + (this.collided.size > 0 ? this.expireFrom(this.collided) : 0);
  }

  private expireFrom(map: Map<string, PendingEdge>): number {
    const now = this.options.now();
    let removed = 0;
    for (const [key, edge] of map) {
      if (edge.expiresAtMs > now) break;
      map.delete(key);
      this.options.onExpire(edge);
      removed++;
    }
    return removed;
  }
}
