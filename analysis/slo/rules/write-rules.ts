import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { loadSloDir } from '../load-specs.ts';
import { renderRulesFile } from './sloth-rules.ts';

/** `faultline slo rules`: one rules file per SLO file, `<name>.rules.yaml` in `outDir`. Returns the paths written. */
export function writeRules(sloDir: string, outDir: string, bucketsMs?: readonly number[]): string[] {
  const files = loadSloDir(sloDir, bucketsMs);
  mkdirSync(outDir, { recursive: true });
  return files.filter((f) => f.specs.length > 0).map((f) => {
    const path = join(outDir, `${basename(f.file, extname(f.file))}.rules.yaml`);
    writeFileSync(path, renderRulesFile(f.specs));
    return path;
  });
}
