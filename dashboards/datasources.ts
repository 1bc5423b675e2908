import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

// Every panel queries the Prometheus chosen in the `datasource` variable, so
// the dashboards work with whatever Prometheus (or Mimir, Thanos) a user has.
export const DATASOURCE_VARIABLE = 'datasource';
export const prometheus: DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

// UIDs the generated provisioning files give the data sources.
export const PROVISIONED_PROMETHEUS_UID = 'faultline-prometheus';
export const PROVISIONED_JAEGER_UID = 'faultline-jaeger';
