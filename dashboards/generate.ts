import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards } from './registry.ts';
import { dashboardProviderYaml, datasourcesYaml, prometheusYaml, type ProvisioningOptions } from './provisioning.ts';

export interface GenerateOptions extends ProvisioningOptions {
  outDir: string;
  /** host:port Prometheus scrapes for Faultline's /metrics. Default faultline:7070. */
  scrapeTarget: string;
  /** Rule files (already written under outDir/prometheus/rules) to list in prometheus.yml. */
  ruleFiles: string[];
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
  write('prometheus/prometheus.yml', prometheusYaml(o.scrapeTarget, o.ruleFiles), 'Prometheus scrape config');
  return files;
}
