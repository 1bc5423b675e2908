import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import { parseExperiment, type Experiment } from './spec.ts';

export interface ExperimentFile {
  /** Path of the file, as given in the error messages and the audit log. */
  path: string;
  experiment: Experiment;
}

/**
 * Every `*.yaml`, `*.yml` and `*.json` in `dir` (sorted), each one
 * Experiment document, validated as a whole before anything is scheduled:
 * one bad file stops start-up with its path and the bad key.
 */
export function loadExperimentDir(dir: string): ExperimentFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidConfig, `experiments.dir: cannot read ${dir}: ${errorMessage(err)}`);
  }
  const seen = new Map<string, string>();
  return names.map((name) => {
    const path = join(dir, name);
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new FaultlineError(ErrorCode.InvalidInput, `invalid experiment (${path}): not valid YAML or JSON: ${errorMessage(err)}`);
    }
    const experiment = parseExperiment(doc, path);
    const other = seen.get(experiment.metadata.name);
    if (other) throw new FaultlineError(ErrorCode.InvalidInput, `experiment name "${experiment.metadata.name}" is defined twice: in ${other} and ${path}`);
    seen.set(experiment.metadata.name, path);
    return { path, experiment };
  });
}
