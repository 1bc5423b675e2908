import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port that was free a moment ago on `host`: `preferred` when it is
 * free, else the kernel's choice.
 */
export async function freePort(host = '127.0.0.1', preferred = 0): Promise<number> {
  if (preferred > 0) {
    try {
      return await tryPort(host, preferred);
    } catch {
      // taken: any free port will do
    }
  }
  return tryPort(host, 0);
}

function tryPort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `host:port`, with brackets for IPv6. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
