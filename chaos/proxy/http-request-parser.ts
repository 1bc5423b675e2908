// Finds HTTP/1.1 request boundaries in a client-to-server byte stream, so the
// proxy can act per request on keep-alive connections. It only frames
// messages (head, Content-Length or chunked body); it does not interpret them.
// Anything it cannot frame (not HTTP, upgrades, CONNECT, oversized heads)
// turns the rest of the stream opaque: bytes pass, no boundaries are reported.

export interface RequestSegment {
  bytes: Buffer;
  /** Sequence number of the request these bytes belong to; -1 when opaque. */
  request: number;
  /** True when these bytes start the request (its head). */
  starts: boolean;
  /** Set on the head segment. */
  head?: RequestHead;
}

export interface RequestHead {
  method: string;
  /** The client asked to close after this request (Connection: close or HTTP/1.0). */
  closes: boolean;
}

type State = 'unsynced' | 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'opaque';

const MAX_HEAD_BYTES = 64 * 1024;
const REQUEST_LINE = /^[A-Z]{3,16} \S+ HTTP\/1\.[01]\r?\n/;
const CRLF_CRLF = Buffer.from('\r\n\r\n');
const METHOD_PREFIX = /^[A-Z]{1,16}$|^[A-Z]{3,16} /;

/** Could these bytes be the start of an HTTP/1.x request (so far)? */
function looksLikeRequestStart(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 64).toString('latin1');
  const eol = head.indexOf('\n');
  if (eol >= 0) return REQUEST_LINE.test(head.slice(0, eol + 1));
  return METHOD_PREFIX.test(head.slice(0, 17));
}

export class RequestBoundaryParser {
  private state: State = 'head';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private seq = -1;
  private afterHead: State = 'head';

  /**
   * Bytes went past without being parsed (the proxy's fast path): boundaries
   * are unknown until a chunk starts with a request line again.
   */
  unsync(): void {
    if (this.state === 'opaque') return;
    this.state = 'unsynced';
    this.pending = Buffer.alloc(0);
  }

  /**
   * Between messages with nothing held back: bytes may skip the parser here
   * without cutting a request in two (a partial head it holds, or the rest
   * of a body it is counting, must still go through it).
   */
  get atBoundary(): boolean {
    if (this.state === 'unsynced' || this.state === 'opaque') return true;
    return this.state === 'head' && this.pending.length === 0;
  }

  get synced(): boolean {
    return this.state !== 'unsynced' && this.state !== 'opaque';
  }

  get currentRequest(): number {
    return this.seq;
  }

  feed(chunk: Buffer): RequestSegment[] {
    const out: RequestSegment[] = [];
    if (this.state === 'unsynced') {
      // Keep-alive clients write each request afresh, so a request usually
      // starts a chunk: that is where we pick the thread up again.
      if (REQUEST_LINE.test(chunk.subarray(0, 64).toString('latin1'))) this.state = 'head';
      else {
        out.push({ bytes: chunk, request: -1, starts: false });
        return out;
      }
    }
    let data = chunk;
    while (data.length > 0) {
      switch (this.state) {
        case 'opaque':
        case 'unsynced':
          out.push({ bytes: data, request: -1, starts: false });
          return out;
        case 'head': {
          const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
          if (!looksLikeRequestStart(joined)) {
            // Another protocol (or garbage): never hold its bytes back.
            this.state = 'opaque';
            this.pending = Buffer.alloc(0);
            out.push({ bytes: joined, request: -1, starts: false });
            return out;
          }
          const end = joined.indexOf(CRLF_CRLF);
          if (end < 0) {
            if (joined.length > MAX_HEAD_BYTES) {
              this.state = 'opaque';
              this.pending = Buffer.alloc(0);
              out.push({ bytes: joined, request: -1, starts: false });
              return out;
            }
            this.pending = joined;
            return out;
          }
          this.pending = Buffer.alloc(0);
          const headBytes = joined.subarray(0, end + 4);
          data = joined.subarray(end + 4);
          const head = this.parseHead(headBytes.toString('latin1'));
          if (!head) {
            this.state = 'opaque';
            out.push({ bytes: joined, request: -1, starts: false });
            return out;
          }
          this.seq += 1;
          out.push({ bytes: headBytes, request: this.seq, starts: true, head });
          this.state = this.afterHead;
          break;
        }
        case 'body': {
          const n = Math.min(this.remaining, data.length);
          out.push({ bytes: data.subarray(0, n), request: this.seq, starts: false });
          data = data.subarray(n);
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'head';
          break;
        }
        case 'chunk-size':
        case 'trailer':
        case 'chunk-crlf': {
          const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
          const eol = joined.indexOf('\n');
          if (eol < 0) {
            if (joined.length > MAX_HEAD_BYTES) {
              this.state = 'opaque';
              out.push({ bytes: joined, request: -1, starts: false });
              return out;
            }
            this.pending = joined;
            return out;
          }
          this.pending = Buffer.alloc(0);
          const line = joined.subarray(0, eol + 1);
          data = joined.subarray(eol + 1);
          out.push({ bytes: line, request: this.seq, starts: false });
          const text = line.toString('latin1').trim();
          if (this.state === 'chunk-crlf') this.state = 'chunk-size';
          else if (this.state === 'trailer') {
            if (text === '') this.state = 'head';
          } else {
            const size = Number.parseInt(text.split(';')[0], 16);
            if (!Number.isFinite(size) || size < 0) {
              this.state = 'opaque';
            } else if (size === 0) this.state = 'trailer';
            else {
              this.remaining = size;
              this.state = 'chunk-data';
            }
          }
          break;
        }
        case 'chunk-data': {
          const n = Math.min(this.remaining, data.length);
          out.push({ bytes: data.subarray(0, n), request: this.seq, starts: false });
          data = data.subarray(n);
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'chunk-crlf';
          break;
        }
      }
    }
    return out;
  }

  private parseHead(text: string): RequestHead | undefined {
    const lines = text.split(/\r?\n/);
    const requestLine = /^([A-Z]{3,16}) \S+ HTTP\/1\.([01])$/.exec(lines[0]);
    if (!requestLine) return undefined;
    const method = requestLine[1];
    let contentLength: number | undefined;
    let chunked = false;
    let closes = requestLine[2] === '0';
    let upgrade = false;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value) || (contentLength !== undefined && contentLength !== Number(value))) return undefined;
        contentLength = Number(value);
      } else if (name === 'transfer-encoding') {
        chunked = value.split(',').map((v) => v.trim()).at(-1) === 'chunked';
        if (!chunked) return undefined;
      } else if (name === 'connection') {
        if (value.includes('close')) closes = true;
        if (value.includes('keep-alive')) closes = false;
        if (value.includes('upgrade')) upgrade = true;
      } else if (name === 'upgrade') upgrade = true;
    }
    if (method === 'CONNECT' || upgrade) {
      // After the head the stream belongs to another protocol.
      this.afterHead = 'opaque';
    } else if (chunked) {
      this.afterHead = 'chunk-size';
    } else if (contentLength !== undefined && contentLength > 0) {
      this.afterHead = 'body';
      this.remaining = contentLength;
    } else {
      this.afterHead = 'head';
    }
    return { method, closes };
  }
}
