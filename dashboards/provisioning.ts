import { stringify } from 'yaml';
import { PROVISIONED_JAEGER_UID, PROVISIONED_PROMETHEUS_UID } from './datasources.ts';

export interface ProvisioningOptions {
  /** Prometheus as Grafana reaches it. Default http://prometheus:9090 (docker-compose). */
  prometheusUrl: string;
  /** Faultline's API as Grafana reaches it (the Jaeger source is `<url>/jaeger`). Default http://faultline:7070. */
  faultlineApiUrl: string;
  /** Where Grafana finds the dashboard JSON files. Default /var/lib/grafana/dashboards/faultline. */
  dashboardsPath: string;
}

export const defaultProvisioning: ProvisioningOptions = {
  prometheusUrl: 'http://prometheus:9090',
  faultlineApiUrl: 'http://faultline:7070',
  dashboardsPath: '/var/lib/grafana/dashboards/faultline',
};

/** provisioning/datasources/faultline.yaml */
export function datasourcesYaml(o: ProvisioningOptions): string {
  return stringify({
    apiVersion: 1,
    datasources: [
      {
        name: 'Faultline Prometheus',
        type: 'prometheus',
        uid: PROVISIONED_PROMETHEUS_UID,
        access: 'proxy',
        url: o.prometheusUrl,
        isDefault: true,
        jsonData: { timeInterval: '15s' },
      },
      {
        name: 'Faultline traces (Jaeger API)',
        type: 'jaeger',
        uid: PROVISIONED_JAEGER_UID,
        access: 'proxy',
        url: `${o.faultlineApiUrl.replace(/\/$/, '')}/jaeger`,
      },
    ],
  });
}

/** provisioning/dashboards/faultline.yaml: a file provider for the generated JSON. */
export function dashboardProviderYaml(o: ProvisioningOptions): string {
  return stringify({
    apiVersion: 1,
    providers: [
      {
        name: 'faultline',
        folder: 'Faultline',
        type: 'file',
        disableDeletion: false,
        allowUiUpdates: true,
        updateIntervalSeconds: 30,
        options: { path: o.dashboardsPath, foldersFromFilesStructure: false },
      },
    ],
  });
}

/** A Prometheus scrape config for Faultline plus the generated rule files. */
export function prometheusYaml(target: string, ruleFiles: string[]): string {
  return stringify({
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    rule_files: ruleFiles,
    scrape_configs: [
      {
        job_name: 'faultline',
        // Span and OTLP metrics carry the job/instance of the services they
        // describe; keep them rather than overwrite them with Faultline's.
        honor_labels: true,
        metrics_path: '/metrics',
        static_configs: [{ targets: [target] }],
      },
    ],
  });
}
