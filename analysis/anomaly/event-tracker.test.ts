import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anomalyEventsConfigSchema } from './config.ts';
import type { DetectorPoint } from './detector.ts';
import { EventTracker } from './event-tracker.ts';

const config = anomalyEventsConfigSchema.parse({ openScore: 0.7, criticalScore: 0.85, closeAfterQuietPoints: 3, mergeGapMs: 60_000 });
const STEP = 10_000;

function feed(tracker: EventTracker, scores: number[], startStep = 0): Array<string | undefined> {
  return scores.map((s, i) => {
    const p: DetectorPoint = { score: s, rawScore: s, surprise: 0, expected: 100, kind: s > 0.85 ? 'jump' : 'deviation' };
    return tracker.observe((startStep + i) * STEP, 100 + s * 100, p);
  });
}

describe('EventTracker', () => {
  it('opens at openScore confirmed by the next point (from the first), follows the peak, closes after quiet points', () => {
    const t = new EventTracker(config);
    const changes = feed(t, [0.1, 0.75, 0.9, 0.72, 0.2, 0.2, 0.2, 0.1]);
    assert.deepEqual(changes, [undefined, undefined, 'opened', 'updated', undefined, undefined, 'closed', undefined]);
    const ev = t.event!;
    assert.equal(ev.startMs, 1 * STEP);
    assert.equal(ev.endMs, 3 * STEP);
    assert.equal(ev.peakScore, 0.9);
    assert.equal(ev.peakAtMs, 2 * STEP);
    assert.equal(ev.observed, 190);
    assert.equal(ev.expected, 100);
    assert.equal(ev.severity, 'critical');
    assert.equal(ev.kind, 'jump');
    assert.equal(ev.open, false);
  });

  it('a warning stays a warning under criticalScore', () => {
    const t = new EventTracker(config);
    feed(t, [0.75, 0.8]);
    assert.equal(t.event!.severity, 'warning');
    assert.equal(t.event!.startMs, 0);
    assert.equal(t.event!.peakAtMs, STEP);
  });

  it('a one-point blip under criticalScore opens nothing; a critical point opens at once', () => {
    const t = new EventTracker(config);
    assert.deepEqual(feed(t, [0.1, 0.8, 0.1, 0.75, 0.2, 0.1]), [undefined, undefined, undefined, undefined, undefined, undefined]);
    assert.equal(t.event, undefined);
    assert.deepEqual(feed(t, [0.9], 6), ['opened']);
    const once = new EventTracker({ ...config, confirmPoints: 1 });
    assert.deepEqual(feed(once, [0.1, 0.8]), [undefined, 'opened']);
  });

  it('alarming again within mergeGapMs reopens the same event; later it is a new one', () => {
    const t = new EventTracker(config);
    feed(t, [0.8, 0.8, 0.1, 0.1, 0.1]);
    const first = t.event;
    assert.equal(feed(t, [0.8], 6)[0], 'reopened');
    assert.equal(t.event, first);
    feed(t, [0.1, 0.1, 0.1], 7);
    assert.deepEqual(feed(t, [0.8, 0.8], 7 + 3 + 6 + 1), [undefined, 'opened']);
    assert.notEqual(t.event, first);
  });

  it('a lasting shift stays one open event after the detector has got used to it, until it recovers or maxOpenMs passes', () => {
    const t = new EventTracker({ ...config, maxOpenMs: 100 * STEP });
    const at = (i: number, value: number, score: number) => t.observe(i * STEP, value, { score, rawScore: score, surprise: 0, expected: 100, kind: 'deviation' });
    assert.equal(at(0, 400, 0.95), 'opened');
    for (let i = 1; i < 20; i++) assert.equal(at(i, 400, 0.1), 'updated');
    for (let i = 20; i < 22; i++) assert.equal(at(i, 105, 0.1), undefined);
    assert.equal(at(22, 105, 0.1), 'closed');
    assert.equal(t.event!.endMs, 19 * STEP);

    const long = new EventTracker({ ...config, maxOpenMs: 10 * STEP, mergeGapMs: 0 });
    long.observe(0, 400, { score: 0.95, rawScore: 0.95, surprise: 0, expected: 100, kind: 'deviation' });
    const changes = [];
    for (let i = 1; i < 20; i++) changes.push(long.observe(i * STEP, 400, { score: 0.1, rawScore: 0.1, surprise: 0, expected: 400, kind: 'deviation' }));
    assert.equal(changes.filter((c) => c === 'closed').length, 1);
    assert.equal(long.event!.endMs, 9 * STEP);
  });
});
