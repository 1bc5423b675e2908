import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Directory of the scenarios that ship with Faultline. */
export const BUILTIN_DIR = fileURLToPath(new URL('./builtin/', import.meta.url));

export function builtinNames(): string[] {
  return readdirSync(BUILTIN_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

/** A path as given, or the file of a built-in scenario when `nameOrPath` is one's name (e.g. "shop"). */
export function resolveScenarioPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  const builtin = join(BUILTIN_DIR, `${nameOrPath}.yaml`);
  return existsSync(builtin) ? builtin : nameOrPath;
}
