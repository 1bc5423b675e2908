import { parseSloSpec, type SloSpec } from './spec.ts';

// Helpers shared by the SLO tests (not used by production code).

export function availabilitySpec(overrides: Record<string, unknown> = {}): SloSpec {
  return parseSloSpec({
    name: 'checkout-availability', service: 'checkout', objective: 99.9,
    sli: { kind: 'availability' }, ...overrides,
  }, 'test');
}

/** A fake clock: `now()` for the code under test, `set`/`advance` for the test. */
export function fakeClock(startMs: number) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    set: (ms: number) => { nowMs = ms; },
    advance: (ms: number) => { nowMs += ms; },
  };
}
