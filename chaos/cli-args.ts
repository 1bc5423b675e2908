import { ErrorCode, FaultlineError } from '../platform/errors.ts';

// Parsing of the address arguments `faultline proxy` and `faultline agent` take.

/** `:9001`, `9001`, `host:9001` or `[::1]:9001`. A missing host means 127.0.0.1. */
export function parseHostPort(value: string, flag: string, defaultHost = '127.0.0.1'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FaultlineError(ErrorCode.InvalidInput, `${flag}: expected host:port or :port, got "${value}"`);
  }
  return { host: m[1] ?? (m[2] || defaultHost), port };
}

/**
 * `[SERVICE/]NAME`: the proxy's name, which is also the name of the instance
 * behind it, and the instance's service when given (experiments otherwise
 * take the name minus a trailing `-N`).
 */
function parseProxyName(text: string, flag: string, value: string): { name: string; service?: string } {
  const m = /^(?:([^/=\s]+)\/)?([^/=\s]+)$/.exec(text);
  if (!m) throw new FaultlineError(ErrorCode.InvalidInput, `${flag}: expected [SERVICE/]NAME before the first "=", got "${value}"`);
  return { name: m[2], ...(m[1] ? { service: m[1] } : {}) };
}

/** `--proxy [SERVICE/]NAME=LISTEN=UPSTREAM` (LISTEN `:PORT`: every interface, as `faultline proxy --listen`), e.g. `payments-1=:9001=127.0.0.1:8081` or `payments/pay-a=:9001=127.0.0.1:8081`. */
export function parseProxyArg(value: string): { name: string; service?: string; listen: { host: string; port: number }; upstream: { host: string; port: number } } {
  const parts = value.split('=');
  if (parts.length !== 3 || !parts[0]) throw new FaultlineError(ErrorCode.InvalidInput, `--proxy: expected [SERVICE/]NAME=LISTEN=UPSTREAM, got "${value}"`);
  return { ...parseProxyName(parts[0], '--proxy', value), listen: parseHostPort(parts[1], '--proxy LISTEN', '0.0.0.0'), upstream: parseHostPort(parts[2], '--proxy UPSTREAM') };
}

/** `--remote-proxy [SERVICE/]NAME=URL`, the control API of a standalone proxy. */
export function parseRemoteProxyArg(value: string): { name: string; service?: string; url: string } {
  const at = value.indexOf('=');
  const url = value.slice(at + 1);
  if (at <= 0 || !/^https?:\/\//.test(url)) throw new FaultlineError(ErrorCode.InvalidInput, `--remote-proxy: expected [SERVICE/]NAME=http://host:port, got "${value}"`);
  return { ...parseProxyName(value.slice(0, at), '--remote-proxy', value), url };
}

/** `--label KEY=VALUE`: a host label the agent advertises for experiment targets. */
export function parseLabelArg(value: string): [string, string] {
  const m = /^([A-Za-z_][A-Za-z0-9_.\-/]*)=(.*)$/.exec(value);
  if (!m) throw new FaultlineError(ErrorCode.InvalidInput, `--label: expected KEY=VALUE (KEY: letters, digits, _ . - /), got "${value}"`);
  return [m[1], m[2]];
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
