import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeriesStore } from './series-store.ts';
import type { SeriesKey } from './series-key.ts';

const STEP = 10_000;
const rate = (service: string, extra: Partial<SeriesKey> = {}): SeriesKey => ({ service, signal: 'rate_rps', ...extra });

function store(retentionMs = 60_000, maxSeries = 100) {
  return new SeriesStore({ stepMs: STEP, retentionMs, maxSeries });
}

describe('SeriesStore', () => {
  it('returns points oldest first from sinceMs on', () => {
    const s = store();
    for (let i = 0; i < 4; i++) s.record(rate('a'), 1_000_000 + i * STEP, i);
    const [series] = s.query({ service: 'a' }, 1_000_000 + STEP);
    assert.deepEqual(series.points, [[1_010_000, 1], [1_020_000, 2], [1_030_000, 3]]);
  });

  it('floors the step start and overwrites a late point of the same step', () => {
    const s = store();
    s.record(rate('a'), 1_000_500, 1);
    s.record(rate('a'), 1_010_000, 2);
    s.record(rate('a'), 1_009_999, 5);
    assert.deepEqual(s.query({}, 0)[0].points, [[1_000_000, 5], [1_010_000, 2]]);
  });

  it('keeps only the retention and forgets values a lap old after a gap', () => {
    const s = store(60_000); // 6 points
    for (let i = 0; i < 6; i++) s.record(rate('a'), i * STEP, i);
    s.record(rate('a'), 8 * STEP, 8); // steps 6 and 7 missing: slots must not show steps 0 and 1
    assert.deepEqual(s.query({}, 0)[0].points, [[3 * STEP, 3], [4 * STEP, 4], [5 * STEP, 5], [8 * STEP, 8]]);
    s.record(rate('a'), 1 * STEP, 99); // older than the ring reaches: ignored
    assert.equal(s.query({}, 0)[0].points.length, 4);
    s.record(rate('a'), 100 * STEP, 100); // a gap longer than the ring clears everything
    assert.deepEqual(s.query({}, 0)[0].points, [[100 * STEP, 100]]);
  });

  it('filters by every given field; absent fields match anything', () => {
    const s = store();
    const keys: SeriesKey[] = [
      rate('a'),
      rate('a', { operation: 'GET /x' }),
      rate('a', { edge: { client: 'a', server: 'b' } }),
      { service: 'a', signal: 'error_ratio' },
      rate('b'),
      { service: 'a', signal: 'cpu_utilization', instance: 'i-1' },
    ];
    keys.forEach((k, i) => s.record(k, 0, i));
    const ids = (f: Partial<SeriesKey>) => s.query(f, 0).map((r) => r.points[0][1]).sort();
    assert.deepEqual(ids({ service: 'a', signal: 'rate_rps' }), [0, 1, 2]);
    assert.deepEqual(ids({ operation: 'GET /x' }), [1]);
    assert.deepEqual(ids({ edge: { client: 'a', server: 'b' } }), [2]);
    assert.deepEqual(ids({ instance: 'i-1' }), [5]);
    assert.deepEqual(ids({ service: 'zzz' }), []);
    assert.deepEqual(ids({}), [0, 1, 2, 3, 4, 5]);
  });

  it('tells every listener each point until it unsubscribes, even when one throws', () => {
    const errors: unknown[] = [];
    const s = new SeriesStore({ stepMs: STEP, retentionMs: 60_000, maxSeries: 10, onListenerError: (e) => errors.push(e) });
    const seen: Array<[string, number, number]> = [];
    s.onStep(() => { throw new Error('bad listener'); });
    const off = s.onStep((key, at, v) => seen.push([key.service, at, v]));
    s.record(rate('a'), 12_345, 1);
    off();
    s.record(rate('a'), 22_345, 2);
    assert.deepEqual(seen, [['a', 10_000, 1]]);
    assert.equal(errors.length, 2);
  });

  it('refuses new series beyond maxSeries and counts them', () => {
    const s = store(60_000, 2);
    s.record(rate('a'), 0, 1);
    s.record(rate('b'), 0, 1);
    s.record(rate('c'), 0, 1);
    s.record(rate('a'), STEP, 2); // existing series still take points
    assert.equal(s.size, 2);
    assert.equal(s.droppedRecords, 1);
    assert.equal(s.query({ service: 'a' }, 0)[0].points.length, 2);
  });

  it('keeps a fifth of maxSeries for service and edge series: operations cannot crowd out a new service', () => {
    const s = store(60_000, 10);
    for (let i = 0; i < 20; i++) s.record(rate('a', { operation: `GET /users/${i}` }), 0, 1);
    assert.equal(s.size, 8);
    s.record(rate('b'), 0, 1);
    s.record(rate('a', { edge: { client: 'a', server: 'b' } }), 0, 1);
    assert.equal(s.size, 10);
    assert.equal(s.query({ service: 'b' }, 0).length, 1);
    assert.equal(s.droppedRecords, 12);
    // Swept operation series free their slots for new ones.
    assert.equal(s.sweep(200_000), 10);
    s.record(rate('a', { operation: 'GET /users/{id}' }), 200_000, 1);
    assert.equal(s.size, 1);
  });

  it('sweeps series older than the retention', () => {
    const s = store(60_000);
    s.record(rate('old'), 0, 1);
    s.record(rate('new'), 50_000, 1);
    assert.equal(s.sweep(65_000), 1);
    assert.deepEqual(s.services(), ['new']);
  });

  it('returns copies of keys so callers cannot change the store', () => {
    const s = store();
    s.record(rate('a', { edge: { client: 'a', server: 'b' } }), 0, 1);
    const [r] = s.query({}, 0);
    r.key.edge!.server = 'changed';
    assert.equal(s.query({}, 0)[0].key.edge!.server, 'b');
  });
});
