import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDurationMs } from './duration.ts';

describe('parseDurationMs', () => {
  const cases: Array<[string, number | undefined]> = [
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['30d', 2_592_000_000],
    ['2w', 1_209_600_000],
    [' 5m ', 300_000],
    ['0s', undefined],
    ['500ms', undefined],
    ['1.5h', undefined],
    ['5', undefined],
    ['1h30m', undefined],
    ['', undefined],
  ];
  for (const [text, ms] of cases) {
    it(`"${text}" -> ${ms}`, () => assert.equal(parseDurationMs(text), ms));
  }
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [1_209_600_000, '2w'],
    [2_592_000_000, '30d'],
    [3_600_000, '1h'],
    [300_000, '5m'],
    [90_000, '90s'],
    [1_500, '2s'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} -> ${text}`, () => assert.equal(formatDuration(ms), text));
  }
});
