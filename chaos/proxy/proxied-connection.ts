import { connect, type Socket } from 'node:net';
import type { Logger } from '../../platform/logger.ts';
import type { AbortSpec } from '../faults/specs.ts';
import { RequestBoundaryParser, type RequestHead } from './http-request-parser.ts';
import { Rolls, waitUntil, type ActiveFault, type FaultSet, type Way } from './fault-set.ts';
import { Pipe, type PipeOwner } from './pipe.ts';

// One client connection through the proxy: set-up (where latency, partition
// and resets can already act), then two Pipes. Faults are looked up per
// chunk, so faults added later reach this connection too. Shares are rolled
// per HTTP request when the stream is HTTP/1.x, per connection otherwise.

export interface Upstream {
  host: string;
  port: number;
}

const STATUS_TEXT: Record<number, string> = {
  204: 'No Content', 205: 'Reset Content', 304: 'Not Modified',
  400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export class ProxiedConnection implements PipeOwner {
  closed = false;
  private upstream: Socket | undefined;
  private toUpstream: Pipe | undefined;
  private toClient: Pipe | undefined;
  private readonly connRolls = new Rolls();
  private requestRolls: Rolls | undefined;
  private readonly parser = new RequestBoundaryParser();
  private swallowRequest = -1;

  constructor(
    readonly id: number,
    private readonly client: Socket,
    readonly faults: FaultSet,
    private readonly target: Upstream,
    private readonly logger: Logger,
    private readonly onClosed: (conn: ProxiedConnection) => void,
  ) {}

  async start(): Promise<void> {
    const { client, faults } = this;
    client.setNoDelay(true);
    client.pause();
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
    if (faults.size > 0) {
      for (;;) {
        if (this.closed) return;
        const changed = faults.changed();
        const partition = this.partition('upstream') ?? this.partition('downstream');
        if (partition === 'reset' || this.abortResetHits(this.connRolls)) return this.reset();
        if (partition !== 'hold') break;
        await changed;
      }
      // Latency towards the target also delays connection set-up (no longer
      // than the faults that caused it stay in place).
      const startedMs = performance.now();
      const setupMs = new Map<string, number>();
      for (const fault of faults.acting('latency', 'upstream')) {
        if (this.connRolls.hits(fault)) setupMs.set(fault.id, fault.spec.latencyMs + Math.random() * fault.spec.jitterMs);
      }
      for (;;) {
        let delayMs = 0;
        for (const [id, ms] of setupMs) if (faults.has(id)) delayMs += ms;
        if (this.closed || performance.now() >= startedMs + delayMs) break;
        await waitUntil(startedMs + delayMs, faults.changed());
      }
      if (this.closed) return;
    }
    const upstream = connect({ host: this.target.host, port: this.target.port, noDelay: true, allowHalfOpen: true });
    this.upstream = upstream;
    upstream.on('error', (err) => {
      this.logger.debug({ err: err.message, conn: this.id }, 'upstream connection error');
      this.destroy();
    });
    upstream.on('close', () => this.destroy());
    upstream.once('connect', () => {
      if (this.closed) return;
      this.toUpstream = new Pipe(this, client, upstream, 'upstream');
      this.toClient = new Pipe(this, upstream, client, 'downstream');
      client.on('data', (chunk: Buffer) => this.fromClient(chunk));
      client.on('end', () => this.toUpstream?.end());
      upstream.on('data', (chunk: Buffer) => this.fromUpstream(chunk));
      upstream.on('end', () => this.toClient?.end());
      client.resume();
    });
  }

  private fromClient(chunk: Buffer): void {
    const pipe = this.toUpstream!;
    // Only at a request boundary: a partial head the parser holds would be
    // lost, and the rest of an aborted request's body would reach the service.
    if (this.faults.size === 0 && pipe.idle && this.parser.atBoundary) {
      this.parser.unsync();
      pipe.passThrough(chunk);
      return;
    }
    const arrivalMs = performance.now();
    for (const segment of this.parser.feed(chunk)) {
      if (segment.starts) {
        this.requestRolls = new Rolls();
        if (this.abortResetHits(this.requestRolls)) return this.reset();
        const abort = this.httpAbortHit(this.requestRolls);
        if (abort) {
          this.swallowRequest = segment.request;
          this.respond(abort, segment.head!, arrivalMs);
          continue;
        }
      } else if (segment.request === -1) {
        this.requestRolls = undefined;
        if (this.abortResetHits(this.connRolls)) return this.reset();
      }
      if (segment.request !== -1 && segment.request === this.swallowRequest) continue;
      pipe.enqueue({ bytes: segment.bytes, arrivalMs, delaysMs: this.delays('upstream') });
    }
  }

  private fromUpstream(chunk: Buffer): void {
    const pipe = this.toClient!;
    if (this.faults.size === 0 && pipe.idle) {
      pipe.passThrough(chunk);
      return;
    }
    pipe.enqueue({ bytes: chunk, arrivalMs: performance.now(), delaysMs: this.delays('downstream') });
  }

  /** The synthetic answer to an aborted request, queued in order with the responses. */
  private respond(fault: ActiveFault & { spec: AbortSpec }, head: RequestHead, arrivalMs: number): void {
    const { statusCode, body } = fault.spec;
    const message = syntheticResponse(statusCode, body, head, fault.id);
    this.toClient!.enqueue({ bytes: message, arrivalMs, delaysMs: this.delays('downstream'), endAfter: head.closes });
  }

  /** Per-unit rolls: the current HTTP request when there is one, else the connection. */
  private rolls(): Rolls {
    return this.requestRolls ?? this.connRolls;
  }

  private delays(way: Way): Map<string, number> {
    const delays = new Map<string, number>();
    for (const fault of this.faults.acting('latency', way)) {
      if (this.rolls().hits(fault)) delays.set(fault.id, fault.spec.latencyMs + Math.random() * fault.spec.jitterMs);
    }
    return delays;
  }

  private abortResetHits(rolls: Rolls): boolean {
    for (const fault of this.faults.acting('abort')) {
      if (fault.spec.mode === 'reset' && rolls.hits(fault)) return true;
    }
    return false;
  }

  private httpAbortHit(rolls: Rolls): (ActiveFault & { spec: AbortSpec }) | undefined {
    for (const fault of this.faults.acting('abort')) {
      if (fault.spec.mode === 'http' && rolls.hits(fault)) return fault;
    }
    return undefined;
  }

  partition(way: Way): 'reset' | 'hold' | undefined {
    let result: 'hold' | undefined;
    for (const fault of this.faults.acting('partition', way)) {
      if (!this.connRolls.hits(fault)) continue;
      if (fault.spec.mode === 'reset') return 'reset';
      result = 'hold';
    }
    return result;
  }

  bandwidth(way: Way): { id: string; bytesPerSecond: number } | undefined {
    let lowest: { id: string; bytesPerSecond: number } | undefined;
    for (const fault of this.faults.acting('bandwidth', way)) {
      if (!this.connRolls.hits(fault)) continue;
      if (!lowest || fault.spec.bytesPerSecond < lowest.bytesPerSecond) lowest = { id: fault.id, bytesPerSecond: fault.spec.bytesPerSecond };
    }
    return lowest;
  }

  /** A fault arrived: partitions with mode reset act on existing connections at once. */
  faultAdded(fault: ActiveFault): void {
    if (fault.spec.type === 'partition' && fault.spec.mode === 'reset' && this.connRolls.hits(fault)) this.reset();
  }

  /** Ends both sides with a TCP RST. */
  reset(): void {
    if (this.closed) return;
    this.closed = true;
    resetSocket(this.client);
    if (this.upstream) resetSocket(this.upstream);
    this.onClosed(this);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.upstream?.destroy();
    this.onClosed(this);
  }
}

/**
 * The bytes of a synthetic response, framed as RFC 9110 wants so a
 * keep-alive client reads exactly this message: 204 and 304 carry neither
 * content nor Content-Length, 205 says Content-Length: 0, and the answer to
 * HEAD has the Content-Length a GET would have got but no content. (1xx is
 * not a final answer: the spec refuses statusCode < 200.)
 */
export function syntheticResponse(statusCode: number, body: string, head: RequestHead, faultId: string): Buffer {
  const payload = statusCode === 204 || statusCode === 304 || statusCode === 205 ? Buffer.alloc(0) : Buffer.from(body, 'utf8');
  const lines = [`HTTP/1.1 ${statusCode} ${STATUS_TEXT[statusCode] ?? 'Fault Injected'}`];
  if (statusCode !== 204 && statusCode !== 304) {
    if (payload.length > 0) lines.push('content-type: text/plain; charset=utf-8');
    lines.push(`content-length: ${payload.length}`);
  }
  lines.push(`x-faultline-fault: ${faultId}`, `connection: ${head.closes ? 'close' : 'keep-alive'}`, '', '');
  const text = Buffer.from(lines.join('\r\n'), 'latin1');
  return head.method === 'HEAD' || payload.length === 0 ? text : Buffer.concat([text, payload]);
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    if (socket.readyState === 'open' || socket.readyState === 'readOnly' || socket.readyState === 'writeOnly') socket.resetAndDestroy();
    else socket.destroy();
  } catch {
    socket.destroy();
  }
}
