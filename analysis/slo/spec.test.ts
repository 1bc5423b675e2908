import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultlineError } from '../../platform/errors.ts';
import { parseSloSpec, parseSloYaml } from './spec.ts';

const base = { name: 'api-availability', service: 'api', objective: 99.9, sli: { kind: 'availability' } };

describe('SLO spec', () => {
  it('fills the Workbook defaults', () => {
    const spec = parseSloSpec(base, 'test');
    assert.equal(spec.window, '30d');
    assert.deepEqual(spec.alerting.page.windows.map((w) => [w.burnRate, w.longWindow, w.shortWindow]), [[14.4, '1h', '5m'], [6, '6h', '30m']]);
    assert.deepEqual(spec.alerting.ticket.windows.map((w) => [w.burnRate, w.longWindow, w.shortWindow]), [[3, '1d', '2h'], [1, '3d', '6h']]);
    assert.equal(spec.alerting.minEventsPerWindow, 10);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['unknown key', { ...base, objectiv: 99 }, /objectiv: unknown key/],
    ['objective out of range', { ...base, objective: 100 }, /objective: /],
    ['bad window', { ...base, window: '30 days' }, /window: expected a duration/],
    ['unknown SLI kind', { ...base, sli: { kind: 'speed' } }, /sli\.kind/],
    ['latency threshold off the bucket edges', { ...base, sli: { kind: 'latency', thresholdMs: 333 } }, /sli\.thresholdMs: 333 is not a duration bucket edge; use one of 2, 4, .*300, 400/],
    ['ratio with good and bad', { ...base, sli: { kind: 'ratio', good: { metric: 'a' }, bad: { metric: 'b' }, total: { metric: 'c' } } }, /sli: give exactly one of good or bad/],
    ['ratio without total', { ...base, sli: { kind: 'ratio', good: { metric: 'a' } } }, /sli\.total/],
    ['short window not shorter', { ...base, alerting: { page: { windows: [{ burnRate: 2, longWindow: '5m', shortWindow: '1h' }] } } }, /alerting\.page\.windows\.0\.shortWindow: must be shorter/],
    ['bad notify url', { ...base, notify: [{ type: 'webhook', url: 'nope' }] }, /notify\.0\.url/],
    ['bad name', { ...base, name: 'Has Spaces' }, /name: lowercase/],
  ];
  for (const [what, value, message] of bad) {
    it(`rejects ${what}, naming the key`, () => {
      assert.throws(() => parseSloSpec(value, 'slo.yaml'), (err: unknown) => {
        assert.ok(err instanceof FaultlineError);
        assert.match(err.message, /^invalid SLO \(slo\.yaml\)/);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('reads one SLO or a list from YAML', () => {
    const yaml = `- name: a\n  service: s\n  objective: 99\n  sli: { kind: latency, thresholdMs: 300 }\n- name: b\n  service: s\n  objective: 95\n  sli: { kind: availability, operations: [GET /] }\n`;
    assert.deepEqual(parseSloYaml(yaml, 'x.yaml').map((s) => s.name), ['a', 'b']);
    assert.throws(() => parseSloYaml('a: [', 'x.yaml'), /x\.yaml is not valid YAML/);
    assert.throws(() => parseSloYaml('- {name: a}\n', 'x.yaml'), /x\.yaml\[0\]|x\.yaml/);
  });
});
