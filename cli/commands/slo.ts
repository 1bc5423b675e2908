import { Command } from 'commander';
import type { SloAlert } from '../../analysis/slo/alert-tracker.ts';
import type { SloStatus } from '../../analysis/slo/engine.ts';
import { writeRules } from '../../analysis/slo/rules/write-rules.ts';
import { renderStatusTable } from '../../analysis/slo/status-table.ts';
import { loadConfig } from '../../platform/config/load.ts';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';

async function getJson<T>(url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new FaultlineError(ErrorCode.Unavailable, `cannot reach ${url}: ${errorMessage(err)} (is faultline up running? give --api URL)`);
  }
  if (!res.ok) throw new FaultlineError(ErrorCode.Unavailable, `${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export function sloCommand(): Command {
  const cmd = new Command('slo').description('SLOs: status of budgets, burn rates and alerts; Prometheus rules');

  cmd.command('status')
    .description('print every SLO: budget left, burn rates per window, time to exhaustion, alerts')
    .option('--api <url>', 'Faultline API base URL (env FAULTLINE_API)', process.env.FAULTLINE_API ?? 'http://127.0.0.1:7070')
    .option('--json', 'print the API JSON instead of a table')
    .action(async (opts: { api: string; json?: boolean }) => {
      const base = opts.api.replace(/\/$/, '');
      const [{ slos }, { alerts }] = await Promise.all([
        getJson<{ slos: SloStatus[] }>(`${base}/api/v1/slos`),
        getJson<{ alerts: SloAlert[] }>(`${base}/api/v1/alerts`),
      ]);
      process.stdout.write(opts.json ? `${JSON.stringify({ slos, alerts }, null, 2)}\n` : renderStatusTable(slos, alerts, Date.now()));
    });

  cmd.command('rules')
    .description('write Prometheus recording and alerting rules (Sloth shape) for the SLO files in a directory')
    .requiredOption('--slo-dir <dir>', 'directory of SLO YAML files')
    .requiredOption('--out <dir>', 'directory to write <file>.rules.yaml into')
    .option('--config <file>', 'faultline config file, for the duration buckets latency thresholds must match')
    .action((opts: { sloDir: string; out: string; config?: string }) => {
      const config = loadConfig({ flags: { config: opts.config } });
      for (const path of writeRules(opts.sloDir, opts.out, config.analysis.durationBucketsMs)) process.stdout.write(`${path}\n`);
    });
  return cmd;
}
