// Trace and span IDs: bytes to lowercase hex (the model's form) and back.
import { internHexId } from './intern.ts';

const hexByte: string[] = [];
for (let b = 0; b < 256; b++) hexByte.push(b.toString(16).padStart(2, '0'));

/** Lowercase hex of buf[s, e); 8- and 16-byte IDs are interned (`view`: a DataView over exactly `buf`). */
export function bytesToHex(buf: Uint8Array, view: DataView, s: number, e: number): string {
  const n = e - s;
  if (n === 16 || n === 8) return internHexId(buf, view, s, n);
  let out = '';
  for (let i = s; i < e; i++) out += hexByte[buf[i]];
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
