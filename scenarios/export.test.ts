import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseExperiment } from '../chaos/experiments/spec.ts';
import { loadSloDir } from '../analysis/slo/load-specs.ts';
import { parse } from 'yaml';
import { resolveScenarioPath } from './builtin.ts';
import { exportAttachments } from './export.ts';
import { loadScenarioFile } from './spec/load.ts';

describe('exportAttachments', () => {
  it('writes the shop SLOs in the form --slo-dir loads, and experiments the chaos CLI runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-export-'));
    try {
      const written = exportAttachments(loadScenarioFile(resolveScenarioPath('shop')), dir);
      assert.equal(written.slos.length, 3);
      const loaded = loadSloDir(join(dir, 'slos')).flatMap((f) => f.specs.map((s) => s.name)).sort();
      assert.deepEqual(loaded, ['checkout-availability', 'checkout-latency', 'frontend-availability']);
      for (const path of written.experiments) parseExperiment(parse(readFileSync(path, 'utf8')), path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
