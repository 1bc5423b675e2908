import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { checkDashboards } from '../../dashboards/check.ts';
import { generateAll } from '../../dashboards/generate.ts';
import { defaultProvisioning } from '../../dashboards/provisioning.ts';
import { pushDashboards, type GrafanaApi } from '../../dashboards/push.ts';
import { buildDashboards } from '../../dashboards/registry.ts';
import { ErrorCode, FaultlineError } from '../../platform/errors.ts';

export function dashboardsCommand(): Command {
  const cmd = new Command('dashboards').description('generate Grafana dashboards and provisioning files, or push them to Grafana');

  cmd
    .command('generate')
    .description('write dashboards, Grafana provisioning files and a Prometheus scrape config into DIR')
    .requiredOption('--out <dir>', 'output directory')
    .option('--prometheus-url <url>', 'Prometheus as Grafana reaches it', defaultProvisioning.prometheusUrl)
    .option('--faultline-url <url>', 'Faultline API as Grafana reaches it (Jaeger source = URL/jaeger)', defaultProvisioning.faultlineApiUrl)
    .option('--dashboards-path <path>', 'where Grafana reads the dashboard files', defaultProvisioning.dashboardsPath)
    .option('--scrape-target <host:port>', 'Faultline /metrics address Prometheus scrapes', 'faultline:7070')
    .option('--slo-dir <dir>', 'SLO YAML files: also write their Prometheus rules and list them in prometheus.yml (env FAULTLINE_SLO_DIR)', process.env.FAULTLINE_SLO_DIR)
    .option('--rule-file <path...>', 'further Prometheus rule files to list in prometheus.yml', [])
    .action((o: { out: string; prometheusUrl: string; faultlineUrl: string; dashboardsPath: string; scrapeTarget: string; ruleFile: string[]; sloDir?: string }) => {
      const files = generateAll({
        outDir: resolve(o.out),
        prometheusUrl: o.prometheusUrl,
        faultlineApiUrl: o.faultlineUrl,
        dashboardsPath: o.dashboardsPath,
        scrapeTarget: o.scrapeTarget,
        ruleFiles: o.ruleFile,
        sloDir: o.sloDir,
      });
      for (const f of files) process.stdout.write(`wrote ${f.path}  (${f.what})\n`);
      process.stdout.write(
        `\nGrafana: mount ${resolve(o.out, 'provisioning')} as /etc/grafana/provisioning and ${resolve(o.out, 'dashboards')} as ${o.dashboardsPath},\n` +
          `or upload with: faultline dashboards push --grafana URL --token TOKEN\n`,
      );
    });

  cmd
    .command('push')
    .description('upload the dashboards through Grafana\'s HTTP API (idempotent)')
    .requiredOption('--grafana <url>', 'Grafana base URL, e.g. http://localhost:3000')
    .option('--token <token>', 'service-account token (env GRAFANA_TOKEN)')
    .option('--token-file <file>', 'read the token from a file')
    .addOption(new Option('--api <api>', 'dashboard API: auto = v12 on Grafana >= 12 (needs the version), classic or v12 = that one').choices(['auto', 'classic', 'v12']).default('auto'))
    .option('--folder-uid <uid>', 'folder for the dashboards (created if missing)', 'faultline')
    .option('--folder-title <title>', 'title of a newly created folder', 'Faultline')
    .option('--namespace <ns>', 'namespace for the v12 API (default: org 1 on-prem)', 'default')
    .action(async (o: { grafana: string; token?: string; tokenFile?: string; api: GrafanaApi; folderUid: string; folderTitle: string; namespace: string }) => {
      const token = o.token ?? (o.tokenFile ? readFileSync(o.tokenFile, 'utf8').trim() : process.env.GRAFANA_TOKEN);
      if (!token) throw new FaultlineError(ErrorCode.InvalidInput, 'a Grafana token is required: --token, --token-file or GRAFANA_TOKEN');
      const results = await pushDashboards(buildDashboards().map((d) => d.dashboard), {
        grafanaUrl: o.grafana,
        token,
        api: o.api,
        folderUid: o.folderUid,
        folderTitle: o.folderTitle,
        namespace: o.namespace,
        onProgress: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`pushed ${results.length} dashboards\n`);
    });
  cmd
    .command('check')
    .description('run every panel query against a Prometheus and report errors and panels without data')
    .requiredOption('--prometheus <url>', 'Prometheus base URL, e.g. http://localhost:9090')
    .option('--json', 'print one JSON object per query')
    .action(async (o: { prometheus: string; json?: boolean }) => {
      const results = await checkDashboards(o.prometheus, buildDashboards());
      let failed = 0;
      for (const r of results) {
        if (r.error) failed++;
        if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
        else {
          const state = r.error ? `ERROR ${r.error}` : r.series > 0 ? `${r.series} series` : 'no data';
          process.stdout.write(`${r.dashboard} / ${r.panel} [${r.refId}]: ${state}\n`);
        }
      }
      const empty = results.filter((r) => !r.error && r.series === 0).length;
      process.stdout.write(`${results.length} queries: ${failed} failed, ${empty} returned no data\n`);
      if (failed > 0) process.exitCode = 1;
    });
  return cmd;
}
