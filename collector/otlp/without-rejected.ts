import { ProtoReader, WIRE_LEN } from './proto-reader.ts';

// A request minus the items its decoder rejected, for --forward-otlp: the
// partial-success answer told the client those items were dropped, so the
// downstream must not get them either. Only built when something was
// rejected; a fully valid request is forwarded as received.

function varintBytes(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Uint8Array.from(out);
}

/**
 * Protobuf: `body` without the fields at `drops` (pairs of [start, end) byte
 * offsets, each a whole field, tag included, as the decoder found them).
 * Every length-delimited field that encloses a dropped one is rewritten with
 * its new length; everything else is copied byte for byte, unknown fields
 * included. The body was decoded already, so it is well-formed.
 */
export function protoWithout(body: Uint8Array, drops: readonly number[]): Uint8Array {
  const endAt = new Map<number, number>();
  const starts: number[] = [];
  for (let i = 0; i < drops.length; i += 2) {
    endAt.set(drops[i]!, drops[i + 1]!);
    starts.push(drops[i]!);
  }
  starts.sort((a, b) => a - b);
  /** Whether a dropped field starts in [from, to). */
  const dropWithin = (from: number, to: number): boolean => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo]! < to;
  };
  const r = new ProtoReader(body);
  const parts: Uint8Array[] = [];
  const rewrite = (end: number): number => {
    let size = 0;
    let runStart = r.pos;
    const flush = (to: number) => {
      if (to > runStart) {
        parts.push(body.subarray(runStart, to));
        size += to - runStart;
      }
    };
    while (r.pos < end) {
      const at = r.pos;
      const f = r.tag();
      const wire = r.wire;
      const afterTag = r.pos;
      r.skip(end, f);
      const fieldEnd = r.pos;
      if (endAt.get(at) === fieldEnd) {
        flush(at);
        runStart = fieldEnd;
      } else if (wire === WIRE_LEN && dropWithin(afterTag, fieldEnd)) {
        flush(at);
        r.pos = afterTag;
        const contentEnd = r.len(end);
        parts.push(body.subarray(at, afterTag));
        const lengthSlot = parts.push(new Uint8Array(0)) - 1;
        const inner = rewrite(contentEnd);
        const length = varintBytes(inner);
        parts[lengthSlot] = length;
        size += afterTag - at + length.length + inner;
        runStart = fieldEnd;
      }
    }
    flush(end);
    return size;
  };
  const total = rewrite(body.length);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * JSON: the parsed request without the items at `drops` ([array, index] as
 * the decoder met them), serialized again. Drops are undone in reverse order,
 * so indices within one array stay valid and an item dropped whole (a metric)
 * goes before the points inside it.
 */
export function jsonWithout(root: unknown, drops: ReadonlyArray<readonly [unknown[], number]>): Uint8Array {
  for (let i = drops.length - 1; i >= 0; i--) {
    const [list, index] = drops[i]!;
    list.splice(index, 1);
  }
  return Buffer.from(JSON.stringify(root));
}
