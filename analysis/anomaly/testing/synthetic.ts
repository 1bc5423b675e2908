// Seeded synthetic series for the detector's tests: deterministic, so a
// failing case reproduces exactly.

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box-Muller) from a seeded PRNG. */
export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export const START_MS = Date.UTC(2024, 0, 1);
export const FIVE_MIN_MS = 5 * 60_000;
export const DAY_MS = 86_400_000;

export interface Point {
  tMs: number;
  value: number;
}

/** n points every `stepMs` from START_MS, value = f(i, tMs). */
export function series(n: number, stepMs: number, f: (i: number, tMs: number) => number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < n; i++) {
    const tMs = START_MS + i * stepMs;
    out.push({ tMs, value: f(i, tMs) });
  }
  return out;
}

/** A daily cycle (peak at noon UTC) with Gaussian noise: a typical request-rate shape. */
export function dailyCycle(n: number, opts: { base: number; amplitude: number; noise: number; seed: number }): Point[] {
  const g = seededNormal(opts.seed);
  return series(n, FIVE_MIN_MS, (_, tMs) => {
    const phase = ((tMs % DAY_MS) / DAY_MS) * 2 * Math.PI;
    return opts.base - opts.amplitude * Math.cos(phase) + opts.noise * g();
  });
}
