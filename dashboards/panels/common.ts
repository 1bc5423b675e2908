import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { ThresholdsConfigBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { LegendDisplayMode, LegendPlacement, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { prometheus } from '../datasources.ts';

/** A Prometheus range query with a legend. */
export function promQuery(expr: string, legend: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId);
}

/** An instant query returning a table (for stat, table and node graph panels). */
export function promTable(expr: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).instant().format(PromQueryFormat.Table).refId(refId);
}

/** A time series panel on the selected Prometheus. */
export function timeseries(title: string, unit: string): TimeseriesBuilder {
  return new TimeseriesBuilder()
    .title(title)
    .datasource(prometheus)
    .unit(unit)
    .min(0)
    .fillOpacity(10)
    .lineWidth(1)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'max']),
    );
}

/** Green below `warn`, orange below `critical`, red above. */
export function thresholds(warn: number, critical: number): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null as unknown as number, color: 'green' },
    { value: warn, color: 'orange' },
    { value: critical, color: 'red' },
  ]);
}

/** Green below `critical`, red from it on (e.g. any firing alert). */
export function redFrom(critical: number): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null as unknown as number, color: 'green' },
    { value: critical, color: 'red' },
  ]);
}
