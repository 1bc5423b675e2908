import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseExperiment } from './spec.ts';

const valid = `
apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: payments-latency }
spec:
  description: checkout tolerates a slow payments service
  hypothesis:
    - sloBurnRate: { slo: checkout-availability, maxBurnRate: 2 }
    - signal: { service: checkout, signal: latency_p99_ms, below: 1500 }
    - httpProbe: { url: "http://127.0.0.1:8080/healthz" }
  targets:
    service: payments
    selection: { mode: percent, value: 34 }
  fault: { type: latency, latencyMs: 300 }
  duration: 2m
  schedule: { cron: "*/30 * * * *" }
  abort:
    sloAlerts: [{ slo: checkout-availability }]
`;

function withChange(path: string[], value: unknown): unknown {
  const doc = parse(valid);
  let node = doc;
  for (const key of path.slice(0, -1)) node = node[key];
  if (value === undefined) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
  return doc;
}

describe('parseExperiment', () => {
  it('accepts a full experiment and fills the defaults', () => {
    const e = parseExperiment(parse(valid));
    assert.equal(e.spec.fault.type, 'latency');
    assert.equal(e.spec.schedule?.concurrencyPolicy, 'Forbid');
    assert.equal(e.spec.schedule?.historyLimit, 10);
    assert.equal(e.spec.checkInterval, '5s');
    assert.equal(e.spec.abort.sloAlerts[0].severity, 'page');
    assert.equal(e.spec.hypothesis.length, 3);
  });

  const bad: Array<[string, string[], unknown, RegExp]> = [
    ['unknown spec key', ['spec', 'blastRadius'], 3, /spec\.blastRadius: unknown key/],
    ['unknown selection mode', ['spec', 'targets', 'selection'], { mode: 'most' }, /spec\.targets\.selection\.mode: expected one of one, all, fixed, percent, random-max-percent/],
    ['percent without value', ['spec', 'targets', 'selection'], { mode: 'percent' }, /spec\.targets\.selection\.value: required for mode percent/],
    ['bad duration', ['spec', 'duration'], '2 minutes', /spec\.duration: expected a duration/],
    ['fault attribute of the wrong type', ['spec', 'fault'], { type: 'latency', latencyMs: 'slow' }, /spec\.fault\.latencyMs: expected a number/],
    ['unknown fault type', ['spec', 'fault'], { type: 'flood' }, /spec\.fault/],
    ['bad concurrency policy', ['spec', 'schedule'], { cron: '* * * * *', concurrencyPolicy: 'Replace' }, /spec\.schedule\.concurrencyPolicy: expected Forbid or Allow/],
    ['signal check without bound', ['spec', 'hypothesis'], [{ signal: { service: 'a', signal: 'error_ratio' } }], /spec\.hypothesis\.0\.signal: give below, above or both/],
    ['missing targets', ['spec', 'targets'], undefined, /spec\.targets: required|spec\.targets:/],
    ['wrong apiVersion', ['apiVersion'], 'v2', /apiVersion: expected faultline\.dev\/v1/],
  ];
  for (const [name, path, value, message] of bad) {
    it(`rejects ${name}, naming the key`, () => {
      assert.throws(() => parseExperiment(withChange(path, value)), message);
    });
  }
});
