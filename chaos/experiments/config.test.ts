import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../platform/config/load.ts';

describe('experiments config in faultline.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-expconfig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string) => {
    const file = join(dir, 'faultline.yaml');
    writeFileSync(file, yaml);
    return loadConfig({ configPath: file, env: {} }).experiments;
  };

  it('resilienceWeights: the types given replace their defaults, the others keep them', () => {
    assert.deepEqual(load('experiments: { resilienceWeights: { kill: 5 } }\n').resilienceWeights,
      { kill: 5, partition: 3, abort: 2, 'disk-fill': 2, latency: 1, bandwidth: 1, cpu: 1 });
    assert.deepEqual(load('experiments: { workerConcurrency: 2 }\n').resilienceWeights,
      { kill: 3, partition: 3, abort: 2, 'disk-fill': 2, latency: 1, bandwidth: 1, cpu: 1 });
    assert.deepEqual(load('{}\n').resilienceWeights.kill, 3);
  });

  it('resilienceWeights: an unknown fault type or a negative weight names the key', () => {
    assert.throws(() => load('experiments: { resilienceWeights: { flood: 1 } }\n'), /experiments\.resilienceWeights\.flood/);
    assert.throws(() => load('experiments: { resilienceWeights: { kill: -1 } }\n'), /experiments\.resilienceWeights\.kill/);
  });
});
