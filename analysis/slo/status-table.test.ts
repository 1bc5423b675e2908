import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { it } from 'node:test';
import { SloEngine } from './engine.ts';
import { renderStatusTable } from './status-table.ts';
import { availabilitySpec, fakeClock } from './testing.ts';

const golden = new URL('./testdata/status-table.txt', import.meta.url).pathname;

it('faultline slo status table: budget, burn rates, exhaustion, alerts (golden)', () => {
  const T0 = 1_800_000_000_000;
  const clock = fakeClock(T0);
  const engine = new SloEngine(clock.now);
  engine.upsert(availabilitySpec());
  engine.upsert(availabilitySpec({ name: 'search-availability', service: 'search', objective: 99 }));
  engine.upsert(availabilitySpec({ name: 'idle', service: 'idle', objective: 95, window: '7d' }));
  for (let t = T0 + 10_000; t <= T0 + 20 * 60_000; t += 10_000) {
    engine.record('checkout-availability', t - 1, t > T0 + 15 * 60_000 ? 20 : 0, 1000);
    engine.record('search-availability', t - 1, 1, 1000);
    clock.set(t);
    engine.evaluate();
  }
  const s = engine.statuses();
  const text = renderStatusTable(JSON.parse(JSON.stringify(s)), engine.alerts.activeAlerts(), clock.now());
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
  assert.equal(text, readFileSync(golden, 'utf8'));
  assert.equal(renderStatusTable([], [], 0), 'no SLOs loaded (give --slo-dir or POST /api/v1/slos)\n');
});
