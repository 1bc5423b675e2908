import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { prometheus } from '../datasources.ts';
import { SLO_METRICS } from '../slo-metric-names.ts';
import { promQuery, promTable, redFrom, thresholds, timeseries } from './common.ts';

// SLO panels over the SLO engine's own series (analysis/slo), so they show
// exactly what the engine alerts on.

const SLO_FILTER = 'slo=~"$slo"';

export function activeAlertsStat() {
  return new StatBuilder()
    .title('Active SLO alerts')
    .datasource(prometheus)
    .unit('none')
    .thresholds(redFrom(1))
    .withTarget(promQuery(`sum(${SLO_METRICS.alerts}{state="firing"}) or vector(0)`, 'firing'));
}

export function budgetRemainingBars(filter = '') {
  return new BarGaugeBuilder()
    .title('Error budget remaining')
    .datasource(prometheus)
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(
      thresholds(0.25, 0.5).steps([
        { value: null as unknown as number, color: 'red' },
        { value: 0.25, color: 'orange' },
        { value: 0.5, color: 'green' },
      ]),
    )
    .withTarget(promQuery(`max by (slo) (${SLO_METRICS.budgetRemaining}${filter ? `{${filter}}` : ''})`, '{{slo}}'));
}

export function burnRatePanel() {
  return timeseries('Burn rate by window', 'x')
    .thresholds(thresholds(1, 14.4))
    .withTarget(promQuery(`max by (slo, window) (${SLO_METRICS.burnRate}{${SLO_FILTER}})`, '{{slo}} {{window}}'));
}

export function errorRatioPanel() {
  return timeseries('Error ratio by window', 'percentunit')
    .withTarget(promQuery(`max by (slo, window) (${SLO_METRICS.errorRatio}{${SLO_FILTER}})`, '{{slo}} {{window}}'));
}

export function timeToExhaustionPanel() {
  return new TableBuilder()
    .title('Time to budget exhaustion at current burn')
    .datasource(prometheus)
    .unit('s')
    .withTarget(promTable(`max by (slo) (${SLO_METRICS.timeToExhaustion}{${SLO_FILTER}})`, 'tte'));
}

export function alertStatePanel() {
  return timeseries('Alerts (pending, firing)', 'none')
    .withTarget(promQuery(`max by (slo, severity, state) (${SLO_METRICS.alerts}{${SLO_FILTER}})`, '{{slo}} {{severity}} {{state}}'));
}
