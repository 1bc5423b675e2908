import { PanelBuilder as StateTimelineBuilder } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { prometheus } from '../datasources.ts';
import { CHAOS_ACTIVE, RATE } from '../queries.ts';
import { promQuery, promTable, timeseries } from './common.ts';

// Chaos panels over the scheduler's metrics (chaos/experiments):
// faultline_chaos_experiment_active{experiment,fault,service} (1 while faults
// are applied), faultline_chaos_runs_total{experiment,verdict},
// faultline_chaos_faults_{applied,reverted}_total{fault},
// faultline_chaos_governor_rejections_total{limit}.

export function activeExperimentsStat() {
  return new StatBuilder()
    .title('Active experiments')
    .datasource(prometheus)
    .unit('none')
    .withTarget(promQuery(`count(max by (experiment) (${CHAOS_ACTIVE}) > 0) or vector(0)`, 'active'));
}

export function experimentTimelinePanel() {
  return new StateTimelineBuilder()
    .title('Experiment timeline')
    .description('When each experiment had faults applied, by fault and service.')
    .datasource(prometheus)
    .unit('none')
    .withTarget(promQuery(`max by (experiment, fault, service) (${CHAOS_ACTIVE})`, '{{experiment}} {{fault}} → {{service}}'));
}

export function verdictsTable() {
  return new TableBuilder()
    .title('Runs by verdict (time range)')
    .datasource(prometheus)
    .withTarget(promTable('sum by (experiment, verdict) (increase(faultline_chaos_runs_total[$__range]))', 'verdicts'));
}

export function faultsAppliedPanel() {
  return timeseries('Faults applied / reverted', 'ops')
    .withTarget(promQuery(`sum by (fault) (rate(faultline_chaos_faults_applied_total[${RATE}]))`, 'applied {{fault}}', 'A'))
    .withTarget(promQuery(`sum by (fault) (rate(faultline_chaos_faults_reverted_total[${RATE}]))`, 'reverted {{fault}}', 'B'));
}

export function governorRejectionsPanel() {
  return timeseries('Governor rejections', 'ops').withTarget(
    promQuery(`sum by (limit) (rate(faultline_chaos_governor_rejections_total[${RATE}]))`, '{{limit}}'),
  );
}
