import { RowBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { UID, faultlineDashboard, labelValuesVariable } from '../common.ts';
import {
  errorRatioPanel,
  instanceErrorRatioPanel,
  instanceLatencyPanel,
  instanceRatePanel,
  latencyPanel,
  requestRatePanel,
} from '../panels/red.ts';
import { edgesTablePanel } from '../panels/service-graph.ts';
import { usePanels } from '../panels/use.ts';
import { serverSpans } from '../queries.ts';

/** One service in depth: RED per operation and per instance, its edges, USE. */
export function serviceDashboard() {
  const service = labelValuesVariable('service', 'label_values(traces_span_metrics_calls_total, service_name)')
    .label('Service')
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
  const builder = faultlineDashboard(UID.service, 'Faultline / Service', 'RED per operation and per instance, the service\'s edges, and USE of its instances.')
    .withVariable(service)
    .withRow(new RowBuilder('Per operation (server spans)'))
    .withPanel(requestRatePanel(serverSpans(), 'span_name', '{{span_name}}').gridPos({ x: 0, y: 1, w: 8, h: 9 }))
    .withPanel(errorRatioPanel(serverSpans(), 'span_name', '{{span_name}}').gridPos({ x: 8, y: 1, w: 8, h: 9 }))
    .withPanel(latencyPanel(serverSpans(), 'span_name', '{{span_name}}').gridPos({ x: 16, y: 1, w: 8, h: 9 }))
    .withRow(new RowBuilder('Per instance'))
    .withPanel(instanceRatePanel().gridPos({ x: 0, y: 11, w: 8, h: 9 }))
    .withPanel(instanceErrorRatioPanel().gridPos({ x: 8, y: 11, w: 8, h: 9 }))
    .withPanel(instanceLatencyPanel().gridPos({ x: 16, y: 11, w: 8, h: 9 }))
    .withRow(new RowBuilder('Edges'))
    .withPanel(edgesTablePanel('client=~"$service"').title('Calls from $service').gridPos({ x: 0, y: 21, w: 12, h: 8 }))
    .withPanel(edgesTablePanel('server=~"$service"').title('Calls to $service').gridPos({ x: 12, y: 21, w: 12, h: 8 }))
    .withRow(new RowBuilder('USE (instances)'));
  let x = 0;
  for (const panel of usePanels()) {
    builder.withPanel(panel.gridPos({ x, y: 30, w: 8, h: 8 }));
    x = (x + 8) % 24;
  }
  return builder;
}
