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

/** `--proxy NAME=LISTEN=UPSTREAM`, e.g. `payments-1=:9001=127.0.0.1:8081`. */
export function parseProxyArg(value: string): { name: string; listen: { host: string; port: number }; upstream: { host: string; port: number } } {
  const parts = value.split('=');
  if (parts.length !== 3 || !parts[0]) throw new FaultlineError(ErrorCode.InvalidInput, `--proxy: expected NAME=LISTEN=UPSTREAM, got "${value}"`);
  return { name: parts[0], listen: parseHostPort(parts[1], '--proxy LISTEN'), upstream: parseHostPort(parts[2], '--proxy UPSTREAM') };
}

/** `--remote-proxy NAME=URL`, the control API of a standalone proxy. */
export function parseRemoteProxyArg(value: string): { name: string; url: string } {
  const at = value.indexOf('=');
  const name = value.slice(0, at);
  const url = value.slice(at + 1);
  if (at <= 0 || !/^https?:\/\//.test(url)) throw new FaultlineError(ErrorCode.InvalidInput, `--remote-proxy: expected NAME=http://host:port, got "${value}"`);
  return { name, url };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
