import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { seededNormal } from '../../analysis/anomaly/testing/synthetic.ts';

// The real `faultline detect` as a child process, on CSV files in a temp dir.

const bin = new URL('../../bin/faultline.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'faultline-detect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  return spawnSync(process.execPath, [bin, 'detect', ...args], { input, encoding: 'utf8', timeout: 60_000 });
}

describe('faultline detect', () => {
  it('writes timestamp,value,anomaly_score for every row and flags the spike', () => {
    const g = seededNormal(9);
    const lines = ['timestamp,value'];
    const start = Date.UTC(2014, 3, 1);
    for (let i = 0; i < 600; i++) {
      const ts = new Date(start + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
      lines.push(`${ts},${(i === 500 ? 160 : 100 + 3 * g()).toFixed(3)}`);
    }
    const input = join(dir, 'series.csv');
    const output = join(dir, 'scores.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const r = run(['--input', input, '--output', output]);
    assert.equal(r.status, 0, r.stderr);
    const out = readFileSync(output, 'utf8').trim().split('\n');
    assert.equal(out[0], 'timestamp,value,anomaly_score');
    assert.equal(out.length, lines.length);
    const scores = out.slice(1).map((l, i) => {
      const [ts, value, score] = l.split(',');
      assert.equal(`${ts},${value}`, lines[i + 1]);
      return Number(score);
    });
    assert.ok(scores.every((s) => s >= 0 && s <= 1));
    const top = scores.indexOf(Math.max(...scores));
    assert.equal(top, 500);
  });

  it('reads stdin and writes stdout with "-", epoch seconds and --counter', () => {
    const rows = ['timestamp,value'];
    let total = 0;
    for (let i = 0; i < 300; i++) rows.push(`${1_700_000_000 + i * 10},${(total += 50)}`);
    const r = run(['--input', '-', '--output', '-', '--counter'], `${rows.join('\n')}\n`);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.equal(out.length, 301);
    assert.equal(out[1], '1700000000,50,0');
  });

  it('names the line of bad input and exits 2', () => {
    const input = join(dir, 'bad.csv');
    writeFileSync(input, 'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n');
    const r = run(['--input', input, '--output', join(dir, 'never.csv')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.csv:3: bad value "abc"/);
  });

  it('explains itself in --help', () => {
    const r = run(['--help']);
    assert.equal(r.status, 0);
    for (const opt of ['--input', '--output', '--counter', '--warmup-points', 'anomaly_score']) assert.ok(r.stdout.includes(opt), `--help lacks ${opt}`);
  });
});
