// OTLP times are uint64 nanoseconds since the Unix epoch; the model uses
// milliseconds as numbers. Differences are taken on the exact 64-bit values
// (split into 32-bit halves) before converting, so durations keep nanosecond
// precision even though 2^64 nanoseconds do not fit a double.

const TWO_32 = 4294967296;

export function nanosToMs(lo: number, hi: number): number {
  return (hi * TWO_32 + lo) / 1e6;
}

/** (end - start) in ms, exact to the nanosecond for differences under 2^53 ns (104 days). */
export function nanosDiffMs(startLo: number, startHi: number, endLo: number, endHi: number): number {
  return ((endHi - startHi) * TWO_32 + (endLo - startLo)) / 1e6;
}

/** Splits a decimal uint64 string into 32-bit halves; undefined unless it is 1-20 digits within uint64. */
export function decimalToLoHi(s: string): [number, number] | undefined {
  if (s.length === 0 || s.length > 20) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  if (s.length <= 15) {
    const v = Number(s);
    return [v % TWO_32, Math.floor(v / TWO_32)];
  }
  const v = BigInt(s);
  if (v >= 1n << 64n) return undefined;
  return [Number(v & 0xffffffffn), Number(v >> 32n)];
}
