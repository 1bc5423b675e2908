import type * as Http from 'node:http';
import type { ResilienceSpec } from '../spec/schema.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { sleep } from './latency.ts';

export type CallResult = { ok: true; status: number } | { ok: false; status?: number; reason: string };

/**
 * HTTP calls to downstream services as an application makes them: round-robin
 * over the service's addresses (each a fault proxy in front of one instance),
 * a timeout per attempt, retries with exponential backoff that go to another
 * instance than the attempts before, and a circuit
 * breaker per downstream service. The http module passed in is the one the
 * OpenTelemetry instrumentation patched, so every attempt is a CLIENT span.
 */
export class Downstream {
  private readonly next = new Map<string, number>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly agent: Http.Agent;

  constructor(
    private readonly http: typeof Http,
    private readonly addresses: Record<string, string[]>,
    private readonly resilience: ResilienceSpec,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  }

  async call(service: string, path: string): Promise<CallResult> {
    const breaker = this.breaker(service);
    if (breaker && !breaker.allow()) return { ok: false, reason: `circuit to ${service} is open` };
    const { max, backoffMs } = this.resilience.retries;
    let result: CallResult = { ok: false, reason: 'not attempted' };
    const tried = new Set<string>();
    for (let attempt = 0; attempt <= max; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
      const address = this.pick(service, tried);
      tried.add(address);
      result = await this.attempt(service, address, path);
      if (result.ok) break;
    }
    if (breaker) {
      if (result.ok) breaker.success();
      else breaker.failure();
    }
    return result;
  }

  close(): void {
    this.agent.destroy();
  }

  private breaker(service: string): CircuitBreaker | undefined {
    const options = this.resilience.circuitBreaker;
    if (!options) return undefined;
    let breaker = this.breakers.get(service);
    if (!breaker) {
      breaker = new CircuitBreaker(options);
      this.breakers.set(service, breaker);
    }
    return breaker;
  }

  /**
   * Round-robin, skipping addresses this call already tried while others
   * remain (Envoy's previous_hosts retry predicate): a retry goes elsewhere.
   */
  private pick(service: string, tried: ReadonlySet<string>): string {
    const list = this.addresses[service];
    if (!list || list.length === 0) throw new Error(`no address for downstream service ${service}`);
    const start = this.next.get(service) ?? 0;
    let i = start;
    for (let n = 0; n < list.length && tried.has(list[i % list.length]); n++) i++;
    if (tried.has(list[i % list.length])) i = start;
    this.next.set(service, (i + 1) % list.length);
    return list[i % list.length];
  }

  private attempt(service: string, address: string, path: string): Promise<CallResult> {
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(colon + 1));
    return new Promise((resolve) => {
      const options: Http.RequestOptions & { peerService: string } = {
        host, port, path, method: 'GET', agent: this.agent,
        signal: AbortSignal.timeout(this.resilience.timeoutMs),
        peerService: service,
      };
      const req = this.http.request(options, (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve(status < 500 ? { ok: true, status } : { ok: false, status, reason: `HTTP ${status}` });
        });
        res.on('error', (err) => resolve({ ok: false, status: res.statusCode, reason: err.message }));
      });
      req.on('error', (err) => {
        const reason = err.name === 'AbortError' || err.name === 'TimeoutError' ? `timeout after ${this.resilience.timeoutMs} ms` : err.message;
        resolve({ ok: false, reason });
      });
      req.end();
    });
  }
}
