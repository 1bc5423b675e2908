import { connect, type Socket } from 'node:net';

// A minimal keep-alive HTTP/1.1 client over one raw socket, so the benchmark
// measures the proxy rather than node:http's client machinery. It expects
// Content-Length responses (the benchmark's upstream sends nothing else).

export class RawHttpClient {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.waiter?.();
    });
  }

  static connect(port: number): Promise<RawHttpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawHttpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a GET and resolves with the response body length once it is complete. */
  async get(path: string): Promise<number> {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\n\r\n`);
    let total = -1;
    let length = 0;
    for (;;) {
      if (total < 0 && this.buffered > 0) {
        const head = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
        this.chunks = [head];
        const headEnd = head.indexOf('\r\n\r\n');
        if (headEnd >= 0) {
          length = Number(/content-length: *(\d+)/i.exec(head.subarray(0, headEnd).toString('latin1'))?.[1] ?? 0);
          total = headEnd + 4 + length;
        }
      }
      if (total >= 0 && this.buffered >= total) {
        const rest = Buffer.concat(this.chunks).subarray(total);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        return length;
      }
      await new Promise<void>((resolve) => { this.waiter = resolve; });
      this.waiter = undefined;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
