import { cliToken } from '../platform/auth/tokens.ts';
import { ErrorCode, FaultlineError, errorMessage } from '../platform/errors.ts';

export interface ApiClientOptions {
  api: string;
  token?: string;
  dataDir: string;
}

/** The CLI's way to the HTTP API: base URL, bearer token, errors that say what to do. */
export class ApiClient {
  private readonly base: string;
  private readonly token?: string;

  constructor(o: ApiClientOptions) {
    this.base = o.api.replace(/\/+$/, '');
    this.token = cliToken(o.token, o.dataDir);
  }

  async request<T>(method: string, path: string, body?: string, contentType = 'application/yaml'): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}), ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
        body,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      throw new FaultlineError(ErrorCode.Unavailable, `cannot reach ${this.base}: ${errorMessage(err)} (is faultline up running? give --api URL)`);
    }
    const text = await res.text();
    let parsed: T & { error?: string };
    try {
      parsed = text ? (JSON.parse(text) as T & { error?: string }) : ({} as T & { error?: string });
    } catch {
      // Not Faultline's API answering (a proxy's error page, a wrong --api port).
      throw new FaultlineError(ErrorCode.Unavailable, `${this.base}${path} answered HTTP ${res.status} with something that is not JSON: ${text.slice(0, 200)} (is --api the Faultline API?)`);
    }
    if (res.status === 401) {
      throw new FaultlineError(ErrorCode.Unauthorized, `${parsed.error ?? 'unauthorized'}: give --token, set FAULTLINE_TOKEN, or --data-dir pointing at the data directory of faultline up (it writes operator.token there)`);
    }
    if (!res.ok) throw new FaultlineError(res.status === 404 ? ErrorCode.NotFound : res.status === 403 ? ErrorCode.Forbidden : ErrorCode.InvalidInput, parsed.error ?? `HTTP ${res.status}`);
    return parsed;
  }
}
