import { ErrorCode, FaultlineError } from '../../platform/errors.ts';
import type { Selection } from './spec.ts';

/**
 * How many of `available` instances a selection takes. Rounding is always
 * down, so a selection never takes more than asked:
 *   one                 -> 1
 *   all                 -> all
 *   fixed N             -> min(N, available)
 *   percent P           -> floor(available * P / 100)
 *   random-max-percent  -> a random count in [1, floor(available * P / 100)]
 * `percentOverride` is the current step of a progressive run.
 */
export function selectionCount(selection: Selection, available: number, random: () => number, percentOverride?: number): number {
  const pct = percentOverride ?? selection.value ?? 0;
  const floorPct = Math.floor((available * pct) / 100 + 1e-9);
  switch (percentOverride !== undefined ? 'percent' : selection.mode) {
    case 'one':
      return Math.min(1, available);
    case 'all':
      return available;
    case 'fixed':
      return Math.min(Math.floor(selection.value ?? 0), available);
    case 'percent':
      return floorPct;
    case 'random-max-percent':
      return floorPct === 0 ? 0 : 1 + Math.floor(random() * floorPct);
    default:
      return 0;
  }
}

/**
 * Picks the instances, deterministically for a given `random`. Instances are
 * shuffled (Fisher-Yates) so repeated runs spread over the fleet. Fails when
 * the selection takes none: an experiment that targets nothing proves nothing.
 */
export function selectInstances<T>(instances: readonly T[], selection: Selection, random: () => number, percentOverride?: number): T[] {
  const count = selectionCount(selection, instances.length, random, percentOverride);
  if (count === 0) {
    const asked = percentOverride !== undefined ? `${percentOverride}%` : `${selection.mode}${selection.value !== undefined ? ` ${selection.value}` : ''}`;
    throw new FaultlineError(ErrorCode.InvalidInput, `spec.targets.selection: ${asked} of ${instances.length} instance(s) rounds down to none`);
  }
  const pool = [...instances];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

/** A small seeded generator (mulberry32) so dry runs and real runs can agree. */
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
