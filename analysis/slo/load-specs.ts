import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import { parseSloYaml, type SloSpec } from './spec.ts';

export interface SloFile {
  file: string;
  specs: SloSpec[];
}

/** Every `*.yaml`/`*.yml` in `dir` (sorted), parsed; SLO names must be unique across files. */
export function loadSloDir(dir: string, bucketsMs?: readonly number[]): SloFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidConfig, `cannot read SLO directory ${dir}: ${errorMessage(err)}`);
  }
  const seen = new Map<string, string>();
  return names.map((name) => {
    const path = join(dir, name);
    const specs = parseSloYaml(readFileSync(path, 'utf8'), path, bucketsMs);
    for (const s of specs) {
      const other = seen.get(s.name);
      if (other) throw new FaultlineError(ErrorCode.InvalidInput, `SLO name "${s.name}" is defined twice: in ${other} and ${path}`);
      seen.set(s.name, path);
    }
    return { file: name, specs };
  });
}
