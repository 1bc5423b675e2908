import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import { internUtf8 } from './intern.ts';

// A protobuf wire-format reader over one request body. It reads straight from
// the buffer (no intermediate message objects) and throws InvalidInput for
// anything that is not well-formed: truncated varints or fields, lengths that
// run past their enclosing message, reserved wire types, nesting too deep.
//
// Decoders loop `while (r.pos < end)` over a message's fields and call
// `r.endMessage(end, name)` afterwards, which catches a field that ran past
// the message's end.

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

const wireNames = ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32', '6', '7'];

/** Deeper nesting (AnyValue arrays in kvlists in ...) is refused, as protobuf's own parsers do. */
export const MAX_DEPTH = 64;

const TWO_32 = 4294967296;

export function invalidProto(message: string): FaultlineError {
  return new FaultlineError(ErrorCode.InvalidInput, `invalid OTLP protobuf: ${message}`);
}

export class ProtoReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  /** Wire type of the tag read last. */
  wire = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Reads a tag and returns its field number; the wire type is left in `wire`. */
  tag(): number {
    const tag = this.varint32();
    this.wire = tag & 7;
    const field = tag >>> 3;
    if (field === 0) throw invalidProto(`field number 0 at byte ${this.pos - 1}`);
    return field;
  }

  /** A varint of up to 64 bits, returning the low 32 bits unsigned (tags, lengths, enums, bools, uint32). */
  varint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= buf.length) throw this.truncated('varint');
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let v = b & 0x7f;
    if (pos < buf.length) {
      // Two-byte varints (lengths 128-16383, field numbers 16-2047) without the loop.
      b = buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return v | (b << 7);
      }
    }
    for (let shift = 7; shift < 70; shift += 7) {
      if (pos >= buf.length) throw this.truncated('varint');
      b = buf[pos++];
      if (shift < 32) v |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return v >>> 0;
      }
    }
    throw invalidProto(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** An int64 varint as a number (exact within ±2^53). */
  int64(): number {
    this.varint64();
    return (this.hi | 0) * TWO_32 + (this.lo >>> 0);
  }

  /** A uint64 varint as a number (exact up to 2^53). */
  uint64(): number {
    this.varint64();
    return (this.hi >>> 0) * TWO_32 + (this.lo >>> 0);
  }

  private lo = 0;
  private hi = 0;

  /** Reads a 64-bit varint into `lo` and `hi`. */
  private varint64(): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw this.truncated('varint');
      const b = buf[pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo;
        this.hi = hi;
        return;
      }
    }
    throw invalidProto(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  sint32(): number {
    const v = this.varint32();
    return (v >>> 1) ^ -(v & 1);
  }

  bool(): boolean {
    return this.varint32() !== 0;
  }

  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.buf.length) throw this.truncated('fixed32');
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  /** Low 32 bits of a fixed64 at `pos` (call before `fixed64Hi`, then `skip64`). */
  fixed64Lo(): number {
    if (this.pos + 8 > this.buf.length) throw this.truncated('fixed64');
    return this.view.getUint32(this.pos, true);
  }

  fixed64Hi(): number {
    return this.view.getUint32(this.pos + 4, true);
  }

  skip64(): void {
    this.pos += 8;
  }

  /** A fixed64 (uint64) as a number, exact up to 2^53. */
  fixed64(): number {
    const lo = this.fixed64Lo();
    const hi = this.fixed64Hi();
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  /** An sfixed64 as a number, exact within ±2^53. */
  sfixed64(): number {
    const lo = this.fixed64Lo();
    const hi = this.view.getInt32(this.pos + 4, true);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.buf.length) throw this.truncated('double');
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and returns the end offset of the field, checked against `end`. */
  len(end: number): number {
    const at = this.pos;
    const n = this.varint32();
    const fieldEnd = this.pos + n;
    if (fieldEnd > end) {
      throw invalidProto(`length ${n} at byte ${at} runs past the end of its message (byte ${end})`);
    }
    return fieldEnd;
  }

  string(end: number): string {
    const e = this.len(end);
    const s = this.pos;
    this.pos = e;
    return internUtf8(this.buf, this.view, s, e);
  }

  /**
   * A copy of a bytes field, as a plain Uint8Array, so decoded data does not
   * pin the request body (Buffer#slice would return a view into it, and
   * Uint8Array#slice on a Buffer another Buffer).
   */
  bytes(end: number): Uint8Array {
    const e = this.len(end);
    const s = this.pos;
    this.pos = e;
    const out = new Uint8Array(e - s);
    out.set(this.buf.subarray(s, e));
    return out;
  }

  /** Throws unless the tag just read has wire type `wire`. */
  expect(wire: number, what: string): void {
    if (this.wire !== wire) {
      throw invalidProto(`${what} has wire type ${wireNames[this.wire]}, expected ${wireNames[wire]} (byte ${this.pos - 1})`);
    }
  }

  /** Skips the value of the field whose tag was read last, whatever its wire type. */
  skip(end: number, field: number, depth = 0): void {
    switch (this.wire) {
      case WIRE_VARINT:
        this.varint32();
        return;
      case WIRE_I64:
        if (this.pos + 8 > this.buf.length) throw this.truncated('fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.len(end);
        return;
      case WIRE_I32:
        if (this.pos + 4 > this.buf.length) throw this.truncated('fixed32');
        this.pos += 4;
        return;
      case WIRE_SGROUP: {
        if (depth >= MAX_DEPTH) throw invalidProto(`groups nested deeper than ${MAX_DEPTH} at byte ${this.pos}`);
        for (;;) {
          if (this.pos >= end) throw this.truncated(`group ${field}`);
          const f = this.tag();
          if ((this.wire as number) === WIRE_EGROUP) {
            if (f !== field) throw invalidProto(`group ${field} closed by end-group ${f} at byte ${this.pos}`);
            return;
          }
          this.skip(end, f, depth + 1);
        }
      }
      case WIRE_EGROUP:
        throw invalidProto(`unexpected end-group for field ${field} at byte ${this.pos}`);
      default:
        throw invalidProto(`reserved wire type ${this.wire} for field ${field} at byte ${this.pos}`);
    }
  }

  /** Checks that the fields of a message ended exactly at its end. */
  endMessage(end: number, name: string): void {
    if (this.pos !== end) throw invalidProto(`${name} field runs past the end of the message (byte ${end})`);
  }

  private truncated(what: string) {
    return invalidProto(`truncated ${what} at byte ${this.pos}`);
  }
}
