import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 413; message: string }
  /** The client went away; there is nobody to answer. */
  | { ok: false; status: 0; message: string };

function tooLarge(maxBytes: number, what: string): BodyResult {
  return { ok: false, status: 413, message: `request body ${what} exceeds the limit of ${maxBytes} bytes (collector.maxRequestBytes)` };
}

function join(chunks: Buffer[], total: number): Buffer {
  // A body that arrived in one chunk is used as it is: no copy.
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/**
 * Reads a request body, inflating gzip as it streams, and stops as soon as
 * the (decompressed) size passes maxBytes: a gzip bomb costs us maxBytes of
 * inflation, not its full size. After a refusal the rest of the body is read
 * and discarded so the connection stays usable and the client sees the answer.
 */
export function readBody(req: IncomingMessage, maxBytes: number, gzip: boolean): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (!gzip && declared > maxBytes) {
      req.resume();
      resolve(tooLarge(maxBytes, `(${declared} bytes)`));
      return;
    }
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.once('aborted', () => finish({ ok: false, status: 0, message: 'client aborted the request' }));
    req.once('error', (err) => finish({ ok: false, status: 0, message: err.message }));

    const chunks: Buffer[] = [];
    let total = 0;
    if (!gzip) {
      req.on('data', (chunk: Buffer) => {
        if (settled) return;
        total += chunk.length;
        if (total > maxBytes) {
          chunks.length = 0;
          finish(tooLarge(maxBytes, ''));
          return;
        }
        chunks.push(chunk);
      });
      req.once('end', () => finish({ ok: true, body: join(chunks, total) }));
      return;
    }

    const gunzip = createGunzip();
    let compressed = 0;
    const stop = (result: BodyResult) => {
      req.unpipe(gunzip);
      gunzip.destroy();
      chunks.length = 0;
      req.resume();
      finish(result);
    };
    req.on('data', (chunk: Buffer) => {
      compressed += chunk.length;
      if (compressed > maxBytes && !settled) stop(tooLarge(maxBytes, '(compressed)'));
    });
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > maxBytes) {
        stop(tooLarge(maxBytes, 'after gzip decompression'));
        return;
      }
      chunks.push(chunk);
    });
    gunzip.once('error', (err) => {
      if (!settled) stop({ ok: false, status: 400, message: `Content-Encoding is gzip but the body is not valid gzip: ${err.message}` });
    });
    gunzip.once('end', () => finish({ ok: true, body: join(chunks, total) }));
    req.pipe(gunzip);
  });
}
