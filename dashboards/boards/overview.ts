import { DashboardLinkBuilder, DashboardLinkType, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { UID, dashboardUrl, faultlineDashboard } from '../common.ts';
import { activeExperimentsStat } from '../panels/chaos.ts';
import { errorRatioPanel, latencyPanel, requestRatePanel } from '../panels/red.ts';
import { activeAlertsStat, budgetRemainingBars } from '../panels/slo.ts';

const SERVERS = 'span_kind="SPAN_KIND_SERVER"';

/** Every service at a glance: RED, alerts, budgets, experiments. */
export function overviewDashboard() {
  const serviceLink = new DashboardLinkBuilder('Service: ${__field.labels.service_name}')
    .type(DashboardLinkType.Link)
    .url(dashboardUrl(UID.service, '&var-service=${__field.labels.service_name}'));
  return faultlineDashboard(UID.overview, 'Faultline / Overview', 'Rate, errors and latency of every service, SLO alerts and budgets, and active chaos experiments.')
    .withRow(new RowBuilder('Now'))
    .withPanel(activeAlertsStat().gridPos({ x: 0, y: 1, w: 6, h: 5 }))
    .withPanel(activeExperimentsStat().gridPos({ x: 6, y: 1, w: 6, h: 5 }))
    .withPanel(budgetRemainingBars().gridPos({ x: 12, y: 1, w: 12, h: 5 }))
    .withRow(new RowBuilder('Services (server spans)'))
    .withPanel(requestRatePanel(SERVERS, 'service_name', '{{service_name}}').dataLinks([serviceLink]).gridPos({ x: 0, y: 7, w: 8, h: 9 }))
    .withPanel(errorRatioPanel(SERVERS, 'service_name', '{{service_name}}').dataLinks([serviceLink]).gridPos({ x: 8, y: 7, w: 8, h: 9 }))
    .withPanel(latencyPanel(SERVERS, 'service_name', '{{service_name}}').dataLinks([serviceLink]).gridPos({ x: 16, y: 7, w: 8, h: 9 }));
}
