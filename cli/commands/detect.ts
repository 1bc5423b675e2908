import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { defaultDetectorConfig, detectorConfigSchema } from '../../analysis/anomaly/config.ts';
import { scoreSeries } from '../../analysis/anomaly/offline.ts';
import { formatScoresCsv, parseSeriesCsv } from '../../analysis/anomaly/series-csv.ts';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';

interface DetectOptions {
  input: string;
  output: string;
  counter?: boolean;
  warmupPoints?: string;
}

export function detectCommand(): Command {
  return new Command('detect')
    .description('score a time series offline with the streaming anomaly detector (the one `faultline up` runs)')
    .requiredOption('--input <file>', 'CSV with a header naming "timestamp" and "value" (NAB format); "-" reads stdin')
    .requiredOption('--output <file>', 'where to write "timestamp,value,anomaly_score", one row per input row; "-" writes stdout')
    .option('--counter', 'the values are a cumulative counter: score its per-second rate (counter resets handled)')
    .option('--warmup-points <n>', `points before a series may score above 0 (default ${defaultDetectorConfig.warmupPoints})`)
    .addHelpText('after', `
Timestamps: ISO 8601 ("2014-04-01 00:00:00", UTC unless a zone is given) or
epoch seconds/milliseconds. Empty or NaN values are gaps (score 0).
Each row is scored using only the rows before it, so the scores are what the
live detector would have said at that moment. anomaly_score is in [0, 1]:
about 0.5 is "as rare as 1 in 1,000 points for this series"; after a peak,
lower scores are halved for a while so one incident reads as one peak.

Example (NAB evaluation harness):
  run.sh DIR 'npx faultline detect --input {in} --output {out}'`)
    .action((opts: DetectOptions) => {
      const overrides: Record<string, unknown> = {};
      if (opts.warmupPoints !== undefined) {
        const n = Number(opts.warmupPoints);
        if (!Number.isInteger(n) || n < 1) throw new FaultlineError(ErrorCode.InvalidInput, `--warmup-points must be a whole number >= 1 (got "${opts.warmupPoints}")`);
        overrides.warmupPoints = n;
      }
      const config = detectorConfigSchema.parse(overrides);
      const source = opts.input === '-' ? 'stdin' : opts.input;
      let text: string;
      try {
        text = readFileSync(opts.input === '-' ? 0 : opts.input, 'utf8');
      } catch (err) {
        throw new FaultlineError(ErrorCode.InvalidInput, `cannot read --input ${source}: ${errorMessage(err)}`);
      }
      const rows = parseSeriesCsv(text, source);
      const body = formatScoresCsv(rows, scoreSeries(rows, { config, counter: opts.counter === true }));
      if (opts.output === '-') {
        // A reader that stops early (| head) is not an error.
        process.stdout.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'EPIPE') process.exit(0);
          throw err;
        });
        process.stdout.write(body);
      }
      else {
        try {
          writeFileSync(opts.output, body);
        } catch (err) {
          throw new FaultlineError(ErrorCode.InvalidInput, `cannot write --output ${opts.output}: ${errorMessage(err)}`);
        }
      }
    });
}
