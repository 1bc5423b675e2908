import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { FaultProxyHandle } from '../faults/fault.ts';
import type { ProxyFaultSpec } from '../faults/specs.ts';

// A standalone fault proxy (`faultline proxy`) driven over its control API.
// The proxy holds each fault's lease itself, so a fault added through here
// ends with its lease even if the caller dies.

export class RemoteProxy implements FaultProxyHandle {
  constructor(readonly name: string, readonly controlUrl: string, private readonly token?: string) {}

  async addFault(spec: ProxyFaultSpec, leaseMs: number, owner?: string): Promise<{ id: string }> {
    return (await this.call('POST', '/faults', { fault: spec, leaseMs, owner })) as { id: string };
  }

  async renewFault(id: string, leaseMs: number): Promise<void> {
    await this.call('POST', `/faults/${encodeURIComponent(id)}/renew`, { leaseMs });
  }

  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/faults/${encodeURIComponent(id)}`, undefined, [404]);
  }

  async removeFaultsOwnedBy(owner: string): Promise<number> {
    return ((await this.call('DELETE', `/faults?owner=${encodeURIComponent(owner)}`)) as { removed: number }).removed;
  }

  private async call(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.controlUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new FaultlineError(ErrorCode.Unavailable, `proxy ${this.name} (${this.controlUrl}): ${(err as Error).message}`, { cause: err });
    }
    if (tolerated.includes(res.status)) return undefined;
    const text = await res.text();
    if (!res.ok) {
      const message = (() => { try { return (JSON.parse(text) as { error?: string }).error ?? text; } catch { return text; } })();
      throw new FaultlineError(res.status === 404 ? ErrorCode.NotFound : ErrorCode.Unavailable, `proxy ${this.name}: ${message}`);
    }
    return text ? JSON.parse(text) : undefined;
  }
}
