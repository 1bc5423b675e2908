import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseDurationUs } from './duration.ts';
import { parseLogfmt } from './query-params.ts';

const durations: Array<[string, boolean, number | undefined]> = [
  ['1.2s', false, 1_200_000],
  ['100ms', false, 100_000],
  ['1h30m', false, 5_400_000_000],
  ['500us', false, 500],
  ['500µs', false, 500],
  ['1500ns', false, 1.5],
  ['.5s', false, 500_000],
  ['0', false, 0],
  ['2d', true, 172_800_000_000],
  ['2d', false, undefined],
  ['10', false, undefined],
  ['fast', false, undefined],
  ['1s2', false, undefined],
  ['', false, undefined],
];

for (const [text, days, expected] of durations) {
  it(`parseDurationUs(${JSON.stringify(text)}${days ? ', days' : ''}) = ${expected}`, () => assert.equal(parseDurationUs(text, days), expected));
}

const logfmt: Array<[string, Record<string, string>]> = [
  ['a=1 b=two', { a: '1', b: 'two' }],
  ['msg="hello world" x=y', { msg: 'hello world', x: 'y' }],
  ['quoted="say \\"hi\\""', { quoted: 'say "hi"' }],
  ['  error=true  ', { error: 'true' }],
  ['flag', { flag: '' }],
];

for (const [text, expected] of logfmt) {
  it(`parseLogfmt(${JSON.stringify(text)})`, () => assert.deepEqual(parseLogfmt(text), expected));
}
