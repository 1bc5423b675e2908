import { VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import { UID, faultlineDashboard, labelValuesVariable } from '../common.ts';
import {
  activeAlertsStat,
  alertStatePanel,
  budgetRemainingBars,
  burnRatePanel,
  errorRatioPanel,
  timeToExhaustionPanel,
} from '../panels/slo.ts';
import { SLO_METRICS } from '../slo-metric-names.ts';

export function slosDashboard() {
  const query = `label_values(${SLO_METRICS.objective}, slo)`;
  const slo = labelValuesVariable('slo', query)
    .label('SLO')
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .refresh(VariableRefresh.OnTimeRangeChanged);
  return faultlineDashboard(UID.slos, 'Faultline / SLOs', 'Error budgets, burn rate per window, alert state and time to exhaustion.')
    .withVariable(slo)
    .withPanel(activeAlertsStat().gridPos({ x: 0, y: 0, w: 6, h: 6 }))
    .withPanel(budgetRemainingBars('slo=~"$slo"').gridPos({ x: 6, y: 0, w: 18, h: 6 }))
    .withPanel(burnRatePanel().gridPos({ x: 0, y: 6, w: 12, h: 9 }))
    .withPanel(errorRatioPanel().gridPos({ x: 12, y: 6, w: 12, h: 9 }))
    .withPanel(alertStatePanel().gridPos({ x: 0, y: 15, w: 12, h: 8 }))
    .withPanel(timeToExhaustionPanel().gridPos({ x: 12, y: 15, w: 12, h: 8 }));
}
