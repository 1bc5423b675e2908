// Scores the anomaly detector on the NAB subset in ../shared/eval/nab in one
// process (fast, for tuning), then runs the independent scorer on the result.
// Usage: node --import tsx scripts/nab-eval.ts [NAB_DIR] [OUT_DIR]
// The official figure comes from `npm run eval:nab` (run.sh + faultline detect).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { detectorConfigSchema } from '../analysis/anomaly/config.ts';
import { scoreSeries } from '../analysis/anomaly/offline.ts';
import { formatScoresCsv, parseSeriesCsv } from '../analysis/anomaly/series-csv.ts';

const args = process.argv.slice(2).filter((a) => !a.includes('='));
// key=value arguments override detector settings (for tuning runs only).
const overrides = Object.fromEntries(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => {
  const [k, v] = a.split('=');
  return [k, JSON.parse(v)];
}));
const config = detectorConfigSchema.parse(overrides);
const nab = resolve(args[0] ?? '../shared/eval/nab');
const out = resolve(args[1] ?? '/tmp/faultline-nab-out');
const labels = JSON.parse(readFileSync(join(nab, 'labels/combined_windows.json'), 'utf8')) as Record<string, unknown>;
for (const rel of Object.keys(labels).sort()) {
  const rows = parseSeriesCsv(readFileSync(join(nab, 'data', rel), 'utf8'), rel);
  const scores = scoreSeries(rows, { config });
  mkdirSync(dirname(join(out, rel)), { recursive: true });
  writeFileSync(join(out, rel), formatScoresCsv(rows, scores));
}
const r = spawnSync('python3', [join(nab, 'score.py'), '--results', out, '--data', join(nab, 'data'), '--labels', join(nab, 'labels/combined_windows.json'), '--strict', '--per-category'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
