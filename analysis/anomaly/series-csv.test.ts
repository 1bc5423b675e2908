import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultlineError } from '../../platform/errors.ts';
import { formatScoresCsv, parseSeriesCsv, parseTimestampMs } from './series-csv.ts';

describe('parseTimestampMs', () => {
  const cases: Array<[string, number | undefined]> = [
    ['2014-04-01 00:00:00', Date.UTC(2014, 3, 1)],
    ['2014-04-01T00:05:00', Date.UTC(2014, 3, 1, 0, 5)],
    ['2011-07-01 00:15:01.000000', Date.UTC(2011, 6, 1, 0, 15, 1)],
    ['2014-04-01T02:00:00+02:00', Date.UTC(2014, 3, 1)],
    ['2014-04-01T00:00:00Z', Date.UTC(2014, 3, 1)],
    ['2014-04-01 00:00', Date.UTC(2014, 3, 1)],
    ['1396310400', Date.UTC(2014, 3, 1)],
    ['1396310400000', Date.UTC(2014, 3, 1)],
    ['1396310400.5', Date.UTC(2014, 3, 1) + 500],
    ['yesterday', undefined],
    ['2014-13-45 99:00:00', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) {
    it(`"${text}"`, () => {
      const got = parseTimestampMs(text);
      if (want === undefined) assert.ok(got === undefined || Number.isNaN(got), `parsed to ${got}`);
      else assert.equal(got, want);
    });
  }
});

describe('parseSeriesCsv', () => {
  it('reads NAB files: header, ISO timestamps, values kept as written', () => {
    const rows = parseSeriesCsv('timestamp,value\n2014-04-01 00:00:00,10.5\r\n2014-04-01 00:05:00,11\n\n');
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0], { timestampText: '2014-04-01 00:00:00', tMs: Date.UTC(2014, 3, 1), valueText: '10.5', value: 10.5 });
  });

  it('accepts columns in any order, extra columns, empty and NaN values as gaps', () => {
    const rows = parseSeriesCsv('value,host,timestamp\n1,a,100\n,a,200\nNaN,a,300\n');
    assert.deepEqual(rows.map((r) => r.tMs), [100_000, 200_000, 300_000]);
    assert.ok(Number.isNaN(rows[1].value) && Number.isNaN(rows[2].value));
  });

  const errors: Array<[string, string, RegExp]> = [
    ['empty file', '', /in.csv: empty file/],
    ['header without value column', 'timestamp,count\n1,2\n', /in.csv:1: header must name the columns "timestamp" and "value"/],
    ['bad timestamp names the line', 'timestamp,value\n2014-04-01 00:00:00,1\nnoon,2\n', /in.csv:3: bad timestamp "noon"/],
    ['bad value names the line', 'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,ten\n', /in.csv:3: bad value "ten"/],
    ['missing column names the line', 'timestamp,value\n2014-04-01 00:00:00\n', /in.csv:2: expected 2 columns, got 1/],
  ];
  for (const [name, text, message] of errors) {
    it(`rejects: ${name}`, () => {
      assert.throws(() => parseSeriesCsv(text, 'in.csv'), (err: unknown) => err instanceof FaultlineError && message.test(err.message));
    });
  }
});

describe('formatScoresCsv', () => {
  it('writes timestamp,value,anomaly_score with the input text unchanged', () => {
    const rows = parseSeriesCsv('timestamp,value\n2014-04-01 00:00:00,10.50\n2014-04-01 00:05:00,\n');
    assert.equal(formatScoresCsv(rows, [0, 0.123456789123]), 'timestamp,value,anomaly_score\n2014-04-01 00:00:00,10.50,0\n2014-04-01 00:05:00,,0.123456789\n');
  });
});
