import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { DATASOURCE_VARIABLE, prometheus } from './datasources.ts';
import { CHAOS_ACTIVE } from './queries.ts';

export const DASHBOARD_TAG = 'faultline';

/** Stable UIDs: links and provisioning refer to them. */
export const UID = {
  overview: 'faultline-overview',
  service: 'faultline-service',
  serviceGraph: 'faultline-service-graph',
  slos: 'faultline-slos',
  chaos: 'faultline-chaos',
} as const;

/**
 * What every Faultline dashboard shares: the data-source variable, the chaos
 * annotation (so a fault shows next to its effect), links to the others, and
 * a sane time range and refresh.
 */
export function faultlineDashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DASHBOARD_TAG])
    .editable()
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus'))
    .annotation(chaosAnnotation())
    .link(
      new DashboardLinkBuilder('Faultline')
        .type(DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

// Grafana's Prometheus variable editor saves a query variable as
// { qryType, query, refId } with this refId; qryType 1 is "label values".
const PROMETHEUS_VARIABLE_REF_ID = 'PrometheusVariableQueryEditor-VariableQuery';
const PROMETHEUS_LABEL_VALUES = 1;

/**
 * A query variable over `label_values(...)` on the selected Prometheus, in
 * the shape Grafana itself saves. (A query builder passed to `.query()`
 * would serialise as `{ internal: ... }`, which Grafana cannot run.)
 */
export function labelValuesVariable(name: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .datasource(prometheus)
    .query({ qryType: PROMETHEUS_LABEL_VALUES, query, refId: PROMETHEUS_VARIABLE_REF_ID })
    .definition(query);
}

/** Regions where chaos experiments had faults applied. */
export function chaosAnnotation(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Chaos experiments')
    .datasource(prometheus)
    .enable(true)
    .iconColor('rgba(255, 96, 96, 1)')
    .target(new DataqueryBuilder().expr(`max by (experiment, fault, service) (${CHAOS_ACTIVE}) > 0`).refId('chaos'))
    .expr(`max by (experiment, fault, service) (${CHAOS_ACTIVE}) > 0`)
    .step('10s')
    .titleFormat('chaos: {{experiment}}')
    .textFormat('{{fault}} on {{service}}')
    .tagKeys('experiment,fault,service');
}

/** A link to another Faultline dashboard, keeping time range and variables. */
export function dashboardUrl(uid: string, params = ''): string {
  return `/d/${uid}?\${__url_time_range}&\${${DATASOURCE_VARIABLE}:queryparam}${params}`;
}
