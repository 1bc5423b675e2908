import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LoadedScenario } from './spec/load.ts';

/**
 * Writes a scenario's SLOs as one YAML file each (`<name>.yaml`), the form
 * `faultline up --slo-dir` and `faultline slo rules --slo-dir` read, and its
 * experiments likewise under `experiments/`. Returns the paths written.
 */
export function exportAttachments(loaded: LoadedScenario, outDir: string): { slos: string[]; experiments: string[] } {
  const sloDir = join(outDir, 'slos');
  const experimentDir = join(outDir, 'experiments');
  mkdirSync(sloDir, { recursive: true });
  mkdirSync(experimentDir, { recursive: true });
  const slos = loaded.slos.map(({ slo, raw }) => {
    const path = join(sloDir, `${slo.name}.yaml`);
    writeFileSync(path, stringify(raw));
    return path;
  });
  const experiments = loaded.experiments.map(({ experiment, raw }) => {
    const path = join(experimentDir, `${experiment.metadata.name}.yaml`);
    writeFileSync(path, stringify(raw));
    return path;
  });
  return { slos, experiments };
}
