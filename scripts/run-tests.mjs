#!/usr/bin/env node
// Runs every `*.test.ts` beside the code with Node's built-in test runner
// (through tsx), so the run ends with node:test's standard summary lines.
// Usage: node scripts/run-tests.mjs [path-filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const roots = ['platform', 'cli', 'model', 'collector', 'analysis', 'chaos', 'dashboards', 'scenarios', 'scripts', 'bench'];
const skipDirs = new Set(['node_modules', 'data', 'testdata', '.git']);

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (skipDirs.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots.flatMap((r) => walk(join(root, r), []))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.FAULTLINE_TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files,
], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
