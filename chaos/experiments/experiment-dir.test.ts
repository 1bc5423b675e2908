import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../platform/config/load.ts';
import { loadExperimentDir } from './experiment-dir.ts';

const doc = (name: string, extra = '') => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  targets: { service: a }
  fault: { type: latency, latencyMs: 10 }
  duration: 1m${extra}
`;

describe('loadExperimentDir', () => {
  const dirs: string[] = [];
  const dirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-expdir-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('reads YAML and JSON files in name order and ignores other files', () => {
    const dir = dirWith({ 'b.yaml': doc('b'), 'a.yml': doc('a'), 'c.json': JSON.stringify({ apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'c' }, spec: { targets: { service: 'a' }, fault: { type: 'kill' }, duration: '1m' } }), 'README.md': '# no' });
    assert.deepEqual(loadExperimentDir(dir).map((f) => f.experiment.metadata.name), ['a', 'b', 'c']);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['an unknown key, naming file and key', { 'x.yaml': doc('x', '\n  blastRadius: 3') }, /invalid experiment \(.*x\.yaml\):\n\s+spec\.blastRadius: unknown key/],
    ['steps together with value', { 'x.yaml': doc('x').replace('{ service: a }', '{ service: a, selection: { mode: percent, value: 10, steps: [10, 20] } }') }, /x\.yaml[\s\S]*spec\.targets\.selection\.steps: give either value or steps/],
    ['a bad cron, naming file and key', { 'x.yaml': doc('x', '\n  schedule: { cron: banana }') }, /invalid experiment \(.*x\.yaml\):\n\s+spec\.schedule\.cron: not a valid cron expression "banana"/],
    ['a bad time zone, naming file and key', { 'x.yaml': doc('x', '\n  schedule: { cron: "0 3 * * *", timezone: Moon/Base }') }, /invalid experiment \(.*x\.yaml\):\n\s+spec\.schedule\.timezone: unknown time zone "Moon\/Base"/],
    ['YAML that does not parse', { 'x.yaml': 'spec: [' }, /invalid experiment \(.*x\.yaml\): not valid YAML or JSON/],
    ['a name defined twice', { 'x.yaml': doc('same'), 'y.yaml': doc('same') }, /experiment name "same" is defined twice: in .*x\.yaml and .*y\.yaml/],
  ];
  for (const [name, files, message] of bad) {
    it(`rejects ${name}`, () => assert.throws(() => loadExperimentDir(dirWith(files)), message));
  }

  it('names the setting when the directory cannot be read', () => {
    assert.throws(() => loadExperimentDir('/nonexistent/faultline-experiments'), /experiments\.dir: cannot read \/nonexistent/);
  });

  it('experiments.dir comes from --experiments-dir, FAULTLINE_EXPERIMENTS_DIR or faultline.yaml, in that order', () => {
    const file = join(dirWith({}), 'faultline.yaml');
    writeFileSync(file, 'experiments: { dir: from-file }\n');
    assert.equal(loadConfig({ configPath: file, env: {} }).experiments.dir, 'from-file');
    assert.equal(loadConfig({ configPath: file, env: { FAULTLINE_EXPERIMENTS_DIR: 'from-env' } }).experiments.dir, 'from-env');
    assert.equal(loadConfig({ configPath: file, env: { FAULTLINE_EXPERIMENTS_DIR: 'from-env' }, flags: { 'experiments-dir': 'from-flag' } }).experiments.dir, 'from-flag');
  });
});
