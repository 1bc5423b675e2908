// Trace and span IDs: bytes to lowercase hex (the model's form) and back.

// Char codes of the two hex digits of every byte value: [hi0, lo0, hi1, lo1, ...].
const hexCodes = new Uint16Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  hexCodes[2 * b] = h.charCodeAt(0);
  hexCodes[2 * b + 1] = h.charCodeAt(1);
}

const codes = new Uint16Array(32);

/** Lowercase hex of buf[s, e). IDs are 8 or 16 bytes; one fromCharCode call keeps the string flat. */
export function bytesToHex(buf: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n === 16 || n === 8) {
    for (let i = 0; i < n; i++) {
      const b = buf[s + i] << 1;
      codes[2 * i] = hexCodes[b];
      codes[2 * i + 1] = hexCodes[b + 1];
    }
    return String.fromCharCode.apply(null, n === 16 ? (codes as unknown as number[]) : (codes.subarray(0, 16) as unknown as number[]));
  }
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(hexCodes[buf[i] << 1], hexCodes[(buf[i] << 1) + 1]);
  return out;
}

export function isAllZero(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Why an ID of `n` bytes is invalid where `want` bytes are required, or '' when it is valid. */
export function idProblem(buf: Uint8Array, s: number, e: number, want: number): string {
  const n = e - s;
  if (n === 0) return 'is empty';
  if (n !== want) return `is ${n} bytes, want ${want}`;
  if (isAllZero(buf, s, e)) return 'is all zeros';
  return '';
}

/**
 * Validates a JSON hex ID (case-insensitive) and returns it lowercased, or
 * undefined when it is not hex (odd length or a non-hex character; base64 IDs
 * land here).
 */
export function normalizeHexId(s: string): string | undefined {
  if (s.length % 2 !== 0) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isHex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!isHex) return undefined;
  }
  return s.toLowerCase();
}

/** Why a lowercase hex ID is invalid where `wantBytes` bytes are required, or '' when valid. */
export function hexIdProblem(hex: string, wantBytes: number): string {
  if (hex.length === 0) return 'is empty';
  if (hex.length !== wantBytes * 2) return `is ${hex.length / 2} bytes, want ${wantBytes}`;
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return '';
  return 'is all zeros';
}
