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
    // A check's kind is the key it has; errors name the field inside it.
    ['unknown signal', ['spec', 'hypothesis'], [{ signal: { service: 'a', signal: 'p99', below: 1 } }], /spec\.hypothesis\.0\.signal\.signal: expected one of rate_rps, error_ratio/],
    ['SLO check without maxBurnRate', ['spec', 'hypothesis'], [{ sloBurnRate: { slo: 's' } }], /spec\.hypothesis\.0\.sloBurnRate\.maxBurnRate: required/],
    ['abort probe without url', ['spec', 'abort'], { checks: [{ httpProbe: { expectStatus: 200 } }] }, /spec\.abort\.checks\.0\.httpProbe\.url: /],
    ['a check of no kind', ['spec', 'hypothesis'], [{}], /spec\.hypothesis\.0: expected one of sloBurnRate, signal, httpProbe/],
    ['a check of an unknown kind', ['spec', 'hypothesis'], [{ tcpProbe: {} }], /spec\.hypothesis\.0\.tcpProbe: unknown key/],
    ['a check of two kinds', ['spec', 'hypothesis'], [{ sloBurnRate: { slo: 's', maxBurnRate: 1 }, httpProbe: { url: 'http://a/' } }], /spec\.hypothesis\.0: give one kind per check, not sloBurnRate and httpProbe/],
    // Range errors say the range, not the type.
    ['a status code out of range', ['spec', 'hypothesis'], [{ httpProbe: { url: 'http://a/', expectStatus: 700 } }], /spec\.hypothesis\.0\.httpProbe\.expectStatus: must be at most 599/],
    ['a zero probe timeout', ['spec', 'hypothesis'], [{ httpProbe: { url: 'http://a/', timeoutMs: 0 } }], /spec\.hypothesis\.0\.httpProbe\.timeoutMs: must be at least 1/],
    ['a zero history limit', ['spec', 'schedule'], { cron: '* * * * *', historyLimit: 0 }, /spec\.schedule\.historyLimit: must be at least 1/],
    ['a fractional history limit', ['spec', 'schedule'], { cron: '* * * * *', historyLimit: 1.5 }, /spec\.schedule\.historyLimit: expected a whole number/],
    ['a probe that is not HTTP', ['spec', 'hypothesis'], [{ httpProbe: { url: 'ftp://a/file' } }], /spec\.hypothesis\.0\.httpProbe\.url: expected an http:\/\/ or https:\/\/ URL/],
    ['a value with mode one', ['spec', 'targets', 'selection'], { mode: 'one', value: 3 }, /spec\.targets\.selection\.value: not used by mode one/],
    ['a value with mode all', ['spec', 'targets', 'selection'], { mode: 'all', value: 50 }, /spec\.targets\.selection\.value: not used by mode all/],
    // Cron and time zone are checked with BullMQ's parser when the document is read.
    ['a cron that is not one', ['spec', 'schedule'], { cron: 'banana' }, /spec\.schedule\.cron: not a valid cron expression "banana"/],
    ['a cron field out of range', ['spec', 'schedule'], { cron: '61 * * * *' }, /spec\.schedule\.cron: not a valid cron expression "61 \* \* \* \*": Constraint error/],
    ['an unknown time zone', ['spec', 'schedule'], { cron: '0 3 * * *', timezone: 'Mars/Olympus' }, /spec\.schedule\.timezone: unknown time zone "Mars\/Olympus"/],
  ];
  it('accepts 6-field crons, a time zone, https probes and steps with the default mode', () => {
    const e = parseExperiment(withChange(['spec', 'schedule'], { cron: '*/10 * * * * *', timezone: 'Europe/Berlin' }));
    assert.equal(e.spec.schedule?.timezone, 'Europe/Berlin');
    assert.deepEqual(parseExperiment(withChange(['spec', 'hypothesis'], [{ httpProbe: { url: 'https://a.example/healthz' } }])).spec.hypothesis, [
      { httpProbe: { url: 'https://a.example/healthz', expectStatus: 200, timeoutMs: 2000 } },
    ]);
    assert.deepEqual(parseExperiment(withChange(['spec', 'targets', 'selection'], { steps: [10, 20] })).spec.targets.selection.steps, [10, 20]);
  });

  for (const [name, path, value, message] of bad) {
    it(`rejects ${name}, naming the key`, () => {
      assert.throws(() => parseExperiment(withChange(path, value)), message);
    });
  }
});
