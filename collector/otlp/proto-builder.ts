// A tiny protobuf writer for tests: builds messages field by field, including
// the malformed ones no real serializer would produce (wrong wire types,
// unknown fields, groups, unpacked repeated scalars, bad ID lengths).

export type Part = Uint8Array;

const utf8 = new TextEncoder();

function varintBytes(v: bigint): number[] {
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function tag(field: number, wire: number): Part {
  return Uint8Array.from(varintBytes(BigInt((field << 3) | wire)));
}

export function msg(...parts: Part[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function varint(field: number, v: number | bigint): Part {
  return msg(tag(field, 0), Uint8Array.from(varintBytes(BigInt(v))));
}

export function sint(field: number, v: number): Part {
  return varint(field, v >= 0 ? 2 * v : -2 * v - 1);
}

export function fixed64(field: number, v: number | bigint): Part {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return msg(tag(field, 1), b);
}

export function double(field: number, v: number): Part {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return msg(tag(field, 1), b);
}

export function fixed32(field: number, v: number): Part {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return msg(tag(field, 5), b);
}

/** A length-delimited field: bytes, a string, or a sub-message given as parts. */
export function len(field: number, ...content: Array<Part | string>): Part {
  const body = msg(...content.map((c) => (typeof c === 'string' ? utf8.encode(c) : c)));
  return msg(tag(field, 2), Uint8Array.from(varintBytes(BigInt(body.length))), body);
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

/** Packed repeated fixed64 / double / varint payloads. */
export function packedFixed64(field: number, values: number[]): Part {
  return len(field, msg(...values.map((v) => fixed64(1, v).subarray(1))));
}
export function packedDouble(field: number, values: number[]): Part {
  return len(field, msg(...values.map((v) => double(1, v).subarray(1))));
}
export function packedVarint(field: number, values: number[]): Part {
  return len(field, Uint8Array.from(values.flatMap((v) => varintBytes(BigInt(v)))));
}
