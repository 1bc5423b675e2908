import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertTransition } from './alert-tracker.ts';
import { SloEngine } from './engine.ts';
import { availabilitySpec, fakeClock } from './testing.ts';

const STEP_MS = 10_000;
const MIN = 60_000;
const H = 60 * MIN;
const EVENTS_PER_STEP = 1000;
// A 5-minute-aligned start, so the coarse buckets line up with the traffic.
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % (5 * MIN));

interface Run {
  /** Minutes after T0 when each transition happened. */
  page: { firing?: number; resolved?: number };
  ticket: { firing?: number; resolved?: number };
  engine: SloEngine;
}

/**
 * Steady traffic (1000 events per 10 s) for 3 days of good history, then
 * `errorRate` of the events fail from T0 for `errorMin` minutes; the engine
 * evaluates every 10 s until `runMin`.
 */
function simulate(errorRate: number, errorMin: number, runMin: number, spec = availabilitySpec()): Run {
  const clock = fakeClock(T0 - 3 * 24 * H);
  const engine = new SloEngine(clock.now);
  engine.upsert(spec);
  for (let t = T0 - 3 * 24 * H + STEP_MS; t <= T0; t += STEP_MS) engine.record(spec.name, t - 1, 0, EVENTS_PER_STEP);
  const run: Run = { page: {}, ticket: {}, engine };
  const seen = (ts: AlertTransition[], t: number) => {
    for (const tr of ts) {
      const entry = run[tr.alert.severity];
      if (entry[tr.to] === undefined) entry[tr.to] = (t - T0) / MIN;
    }
  };
  for (let t = T0 + STEP_MS; t <= T0 + runMin * MIN; t += STEP_MS) {
    const erroring = t <= T0 + errorMin * MIN;
    engine.record(spec.name, t - 1, erroring ? errorRate * EVENTS_PER_STEP : 0, EVENTS_PER_STEP);
    clock.set(t);
    seen(engine.evaluate(), t);
  }
  return run;
}

// Expected times, from the Workbook's arithmetic with budget b = 0.001 and
// error ratio e starting at T0 over full windows of steady traffic:
// a pair (factor f, long L, short S) starts holding at f*b*L/e (the long
// window is the slower to fill) and, once errors stop, stops holding when the
// short window has drained below the threshold, S*(1 - f*b/e) after the stop.
// An alert resolves when the last of its holding pairs stops.
const cases: Array<{
  name: string; errorRate: number; errorMin: number; runMin: number;
  page: { firing?: number; resolved?: number }; ticket: { firing?: number; resolved?: number };
}> = [
  {
    // page: 14.4*0.001*60/1 = 0.864 min; stops 10 min later: 30m/6h pair (fired at 2.16 min) drains at 10 + 30*(1-0.006).
    // ticket: 3*0.001*1440 = 4.32 min (1d/2h) and 1*0.001*4320 = 4.32 min (3d/6h); 3d/6h drains at 10 + 360*(1-0.001).
    name: '100% errors for 10 minutes', errorRate: 1, errorMin: 10, runMin: 380,
    page: { firing: 0.864, resolved: 10 + 30 * (1 - 0.006) },
    ticket: { firing: 4.32, resolved: 10 + 360 * (1 - 0.001) },
  },
  {
    // page: 14.4*0.001*60/0.02 = 43.2 min; 6h pair would need 108 min. Stops at 60: 5m window drains at 60 + 5*(1-0.72).
    // ticket: both pairs need 216 min of errors; never.
    name: '2% errors for 60 minutes', errorRate: 0.02, errorMin: 60, runMin: 120,
    page: { firing: 43.2, resolved: 60 + 5 * (1 - 0.72) },
    ticket: {},
  },
  {
    // burn rate 2: below 14.4 and 6 (no page) and 3 (no 1d ticket); 3d/6h at 1*0.001*4320/0.002 = 2160 min = 36 h.
    name: '0.2% errors for 37 hours', errorRate: 0.002, errorMin: 37 * 60, runMin: 37 * 60,
    page: {},
    ticket: { firing: 36 * 60 },
  },
  {
    // 30 s of errors is 0.83% of the hour: under the 1.44% the page needs. Nothing fires.
    name: '100% errors for 30 seconds', errorRate: 1, errorMin: 0.5, runMin: 90,
    page: {},
    ticket: {},
  },
];

const STEP_MIN = STEP_MS / MIN;

describe('SLO engine: detection and reset times match the Workbook formulas within one evaluation step', () => {
  for (const c of cases) {
    it(c.name, () => {
      const run = simulate(c.errorRate, c.errorMin, c.runMin);
      for (const sev of ['page', 'ticket'] as const) {
        for (const to of ['firing', 'resolved'] as const) {
          const expected = c[sev][to];
          const actual = run[sev][to];
          if (expected === undefined) {
            assert.equal(actual, undefined, `${sev} ${to} should not happen, happened at ${actual} min`);
          } else {
            assert.ok(actual !== undefined, `${sev} ${to} expected at ${expected.toFixed(3)} min, never happened`);
            assert.ok(actual >= expected - 1e-9 && actual <= expected + STEP_MIN + 1e-9,
              `${sev} ${to} at ${actual.toFixed(3)} min, formula says ${expected.toFixed(3)} min`);
          }
        }
      }
    });
  }
});

describe('SLO engine', () => {
  it('reports burn rates, budget and time to exhaustion', () => {
    const run = simulate(0.02, 10, 10);
    const status = run.engine.status('checkout-availability')!;
    const w5m = status.evaluation!.windows.find((w) => w.window === '5m')!;
    assert.ok(Math.abs(w5m.burnRate! - 20) < 1e-9, `5m burn ${w5m.burnRate}`);
    const w1h = status.evaluation!.windows.find((w) => w.window === '1h')!;
    assert.ok(Math.abs(w1h.errorRatio! - 0.02 / 6) < 1e-9);
    // 10 minutes at 2% over 3 days of history in a 30 d period that holds 3 days of traffic.
    const spent = (0.02 * 60) / (3 * 24 * 360 + 60) / 0.001;
    assert.ok(Math.abs(status.evaluation!.budgetRemainingRatio! - (1 - spent)) < 1e-6);
    assert.ok(Math.abs(status.evaluation!.timeToExhaustionMs! - (1 - spent) * 30 * 24 * H / 20) < 1);
    assert.deepEqual(status.evaluation!.windows.map((w) => w.window), ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
  });

  it('says "insufficient data" instead of paging on a few failed requests', () => {
    const clock = fakeClock(T0);
    const engine = new SloEngine(clock.now);
    engine.upsert(availabilitySpec());
    // One request every 5 minutes, all failing: burn rate 1000, but at most 6 events in any window.
    for (let t = T0 + STEP_MS; t <= T0 + 30 * MIN; t += STEP_MS) {
      if (t % (5 * MIN) === 0) engine.record('checkout-availability', t - 1, 1, 1);
      clock.set(t);
      assert.deepEqual(engine.evaluate(), []);
    }
    const status = engine.status('checkout-availability')!;
    assert.equal(status.dataStatus, 'insufficient data');
    assert.equal(status.alerts.length, 0);
  });

  it('a page goes pending, then firing after `for`, once (deduplicated)', () => {
    const spec = availabilitySpec({ alerting: { page: { windows: [{ burnRate: 14.4, longWindow: '1h', shortWindow: '5m' }], for: '2m' } } });
    const run = simulate(1, 20, 10, spec);
    assert.ok(Math.abs(run.page.firing! - (0.864 + 2)) <= STEP_MIN + 1e-9, `fired at ${run.page.firing}`);
    const firing = run.engine.alerts.activeAlerts().filter((a) => a.severity === 'page');
    assert.equal(firing.length, 1);
    assert.equal(firing[0].state, 'firing');
    assert.ok(firing[0].startsAtMs! - firing[0].activeAtMs >= 2 * MIN);
  });

  it('an SLO whose labels change while paging: the old alert resolves, the new one fires, one per severity', () => {
    const run = simulate(1, 20, 5);
    const engine = run.engine;
    const before = engine.alerts.activeAlerts().filter((a) => a.severity === 'page');
    assert.equal(before.length, 1);
    assert.equal(before[0].state, 'firing');
    engine.upsert(availabilitySpec({ labels: { team: 'payments' }, alerting: { annotations: { summary: 'our own words' } } }));
    const transitions = engine.evaluate();
    const page = transitions.filter((t) => t.alert.severity === 'page');
    assert.deepEqual(page.map((t) => [t.to, t.alert.labels.team]), [['resolved', undefined], ['firing', 'payments']]);
    const after = engine.alerts.activeAlerts().filter((a) => a.severity === 'page');
    assert.equal(after.length, 1);
    assert.equal(after[0].labels.team, 'payments');
    assert.equal(after[0].annotations.summary, 'our own words');
    assert.notEqual(after[0].fingerprint, before[0].fingerprint);
  });
});

