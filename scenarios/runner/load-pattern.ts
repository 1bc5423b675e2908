import type { LoadSpec } from '../spec/schema.ts';

/** Requests per second the load generator aims for `elapsedMs` after it started. */
export function rateAt(load: LoadSpec, elapsedMs: number): number {
  const t = elapsedMs / 1000;
  switch (load.pattern) {
    case 'constant':
      return load.rps;
    case 'diurnal': {
      // Starts at the trough ("night") and peaks at half a period ("noon").
      const { periodS, minFactor } = load.diurnal;
      const phase = (1 - Math.cos((2 * Math.PI * t) / periodS)) / 2;
      return load.rps * (minFactor + (1 - minFactor) * phase);
    }
    case 'spike': {
      const { everyS, durationS, factor } = load.spike;
      // The first spike comes after one quiet period, so a run starts at the base rate.
      const inCycle = t % everyS;
      return t >= everyS && inCycle < durationS ? load.rps * factor : load.rps;
    }
  }
}
