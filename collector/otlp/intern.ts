// Interning for the strings and IDs a decoder sees over and over: attribute
// keys, span names, enum-like values, service names, and within a request the
// same trace ID on every span of a trace and span IDs again as parent IDs.
// A hit returns the string made last time (no allocation, and a string V8
// has already internalized as a property key); a miss decodes and remembers.
// Direct-mapped tables of fixed size: memory is bounded whatever comes in.

const SLOTS = 8192; // power of two
const MAX_INTERNED_BYTES = 48;

const strBytes = new Uint8Array(SLOTS * MAX_INTERNED_BYTES);
const strLens = new Int32Array(SLOTS).fill(-1);
const strings: string[] = new Array<string>(SLOTS).fill('');
const strView = new DataView(strBytes.buffer);

const nodeUtf8Slice = (Buffer.prototype as unknown as { utf8Slice?: (this: Uint8Array, s: number, e: number) => string }).utf8Slice;
const textDecoder = new TextDecoder('utf-8');

/** UTF-8 of buf[s, e) (invalid sequences become U+FFFD). */
export function utf8(buf: Uint8Array, s: number, e: number): string {
  if (nodeUtf8Slice !== undefined) return nodeUtf8Slice.call(buf, s, e);
  return textDecoder.decode(buf.subarray(s, e));
}

/** The string of buf[s, e), interned when short; `view` is a DataView over exactly `buf`. */
export function internUtf8(buf: Uint8Array, view: DataView, s: number, e: number): string {
  const n = e - s;
  if (n === 0) return '';
  if (n > MAX_INTERNED_BYTES) return utf8(buf, s, e);
  // Hash a sample (ends, middle, quarters) rather than every byte; the full compare below decides.
  const q = n >>> 2;
  let h = Math.imul(n ^ buf[s], 16777619);
  h = Math.imul(h ^ buf[e - 1], 16777619);
  h = Math.imul(h ^ buf[s + (n >>> 1)], 16777619);
  h = Math.imul(h ^ buf[s + q], 16777619);
  h = Math.imul(h ^ buf[e - 1 - q], 16777619);
  const slot = (h ^ (h >>> 13)) & (SLOTS - 1);
  const at = slot * MAX_INTERNED_BYTES;
  if (strLens[slot] === n) {
    // Compare four bytes at a time, then the tail.
    let i = 0;
    while (i + 4 <= n && strView.getUint32(at + i) === view.getUint32(s + i)) i += 4;
    while (i < n && strBytes[at + i] === buf[s + i]) i++;
    if (i === n) return strings[slot];
  }
  const str = utf8(buf, s, e);
  for (let i = 0; i < n; i++) strBytes[at + i] = buf[s + i];
  strLens[slot] = n;
  strings[slot] = str;
  return str;
}

// IDs: random bytes, so their first four bytes are already a good hash.
const ID_SLOTS = 8192;
const idBytes = new Uint8Array(ID_SLOTS * 16);
const idLens = new Uint8Array(ID_SLOTS);
const ids: string[] = new Array<string>(ID_SLOTS).fill('');
const idView = new DataView(idBytes.buffer);

const hexCodes = new Uint16Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  hexCodes[2 * b] = h.charCodeAt(0);
  hexCodes[2 * b + 1] = h.charCodeAt(1);
}
const H = hexCodes;

// One fromCharCode call with explicit arguments: several times faster than
// fromCharCode.apply or concatenation, and the result is a flat string.
function hex8(u: Uint8Array, s: number): string {
  const a = u[s] << 1, b = u[s + 1] << 1, c = u[s + 2] << 1, d = u[s + 3] << 1;
  const e = u[s + 4] << 1, f = u[s + 5] << 1, g = u[s + 6] << 1, h = u[s + 7] << 1;
  return String.fromCharCode(
    H[a], H[a + 1], H[b], H[b + 1], H[c], H[c + 1], H[d], H[d + 1],
    H[e], H[e + 1], H[f], H[f + 1], H[g], H[g + 1], H[h], H[h + 1],
  );
}

function hex16(u: Uint8Array, s: number): string {
  const a = u[s] << 1, b = u[s + 1] << 1, c = u[s + 2] << 1, d = u[s + 3] << 1;
  const e = u[s + 4] << 1, f = u[s + 5] << 1, g = u[s + 6] << 1, h = u[s + 7] << 1;
  const i = u[s + 8] << 1, j = u[s + 9] << 1, k = u[s + 10] << 1, l = u[s + 11] << 1;
  const m = u[s + 12] << 1, n = u[s + 13] << 1, o = u[s + 14] << 1, p = u[s + 15] << 1;
  return String.fromCharCode(
    H[a], H[a + 1], H[b], H[b + 1], H[c], H[c + 1], H[d], H[d + 1],
    H[e], H[e + 1], H[f], H[f + 1], H[g], H[g + 1], H[h], H[h + 1],
    H[i], H[i + 1], H[j], H[j + 1], H[k], H[k + 1], H[l], H[l + 1],
    H[m], H[m + 1], H[n], H[n + 1], H[o], H[o + 1], H[p], H[p + 1],
  );
}

/** Lowercase hex of an 8- or 16-byte ID at buf[s, s + n), interned; `view` is a DataView over exactly `buf`. */
export function internHexId(buf: Uint8Array, view: DataView, s: number, n: 8 | 16): string {
  const h = (buf[s] | (buf[s + 1] << 8) | (buf[s + 2] << 16)) ^ (buf[s + n - 1] << 5) ^ n;
  const slot = h & (ID_SLOTS - 1);
  const at = slot * 16;
  if (
    idLens[slot] === n &&
    idView.getUint32(at) === view.getUint32(s) &&
    idView.getUint32(at + 4) === view.getUint32(s + 4) &&
    (n === 8 || (idView.getUint32(at + 8) === view.getUint32(s + 8) && idView.getUint32(at + 12) === view.getUint32(s + 12)))
  ) {
    return ids[slot];
  }
  const str = n === 16 ? hex16(buf, s) : hex8(buf, s);
  for (let i = 0; i < n; i++) idBytes[at + i] = buf[s + i];
  idLens[slot] = n;
  ids[slot] = str;
  return str;
}
