import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeRules } from '../analysis/slo/rules/write-rules.ts';
import { buildDashboards } from './registry.ts';
import { dashboardProviderYaml, datasourcesYaml, prometheusYaml, type ProvisioningOptions } from './provisioning.ts';

export interface GenerateOptions extends ProvisioningOptions {
  outDir: string;
  /** host:port Prometheus scrapes for Faultline's /metrics. Default faultline:7070. */
  scrapeTarget: string;
  /** Further rule files to list in prometheus.yml, as Prometheus sees their paths. */
  ruleFiles: string[];
  /** SLO YAML files: their Sloth-shaped rules go to prometheus/rules/ and into prometheus.yml. */
  sloDir?: string;
}

export interface GeneratedFile {
  path: string;
  what: string;
}

/**
 * Writes the dashboards and everything needed to use them:
 *   dashboards/*.json                      Grafana dashboards
 *   provisioning/datasources/faultline.yaml Prometheus + Jaeger (Faultline's /jaeger)
 *   provisioning/dashboards/faultline.yaml  file provider for dashboards/
 *   prometheus/prometheus.yml               scrape config for Faultline + rule files
 *   prometheus/rules/*.rules.yaml           SLO recording and alerting rules (with sloDir)
 */
export function generateAll(o: GenerateOptions): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const write = (rel: string, text: string, what: string) => {
    const path = join(o.outDir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
    files.push({ path, what });
  };
  for (const { file, dashboard } of buildDashboards()) {
    write(join('dashboards', file), JSON.stringify(dashboard, null, 2), `dashboard "${dashboard.title}" (uid ${dashboard.uid})`);
  }
  write('provisioning/datasources/faultline.yaml', datasourcesYaml(o), 'Grafana data sources (Prometheus, Jaeger)');
  write('provisioning/dashboards/faultline.yaml', dashboardProviderYaml(o), 'Grafana dashboard provider');
  const ruleFiles = [...o.ruleFiles];
  if (o.sloDir) {
    for (const path of writeRules(o.sloDir, join(o.outDir, 'prometheus', 'rules'))) {
      files.push({ path, what: 'Prometheus SLO rules (Sloth shape)' });
      // Relative to prometheus.yml, which Prometheus resolves rule_files against.
      ruleFiles.push(`rules/${basename(path)}`);
    }
  }
  write('prometheus/prometheus.yml', prometheusYaml(o.scrapeTarget, ruleFiles), 'Prometheus scrape config');
  return files;
}
