import { ArcOptionBuilder, EdgeOptionsBuilder, NodeOptionsBuilder, PanelBuilder as NodeGraphBuilder } from '@grafana/grafana-foundation-sdk/nodegraph';
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { prometheus } from '../datasources.ts';
import { EDGE_FIELDS, NODE_FIELDS, STAT_UNITS, edgeQueries, nodeQueries, refIdsMatcher } from '../node-graph-queries.ts';
import { edgeErrorRatio, edgeLatencyQuantile, edgeRate } from '../queries.ts';
import { promTable, thresholds } from './common.ts';

// The service graph is fed from the service-graph metrics in Prometheus, as
// Grafana does for Tempo, so it needs no extra data source and works with the
// OpenTelemetry Collector's servicegraph connector too. The queries and the
// field each one becomes are in ../node-graph-queries.ts.

export function serviceGraphPanel(matchers = '') {
  const nodes = nodeQueries(matchers);
  const edges = edgeQueries(matchers);
  const panel = new NodeGraphBuilder()
    .title('Service graph')
    .description('Services (requests/s served, p95 latency, green/red: succeeded/failed share) and the calls between them (requests/s, p95), from traces_service_graph_* metrics.')
    .datasource(prometheus);
  for (const [refId, expr] of [...Object.entries(nodes), ...Object.entries(edges)]) panel.withTarget(promTable(expr, refId));
  const rename: Record<string, string> = {};
  for (const [refId, field] of [...Object.entries(NODE_FIELDS), ...Object.entries(EDGE_FIELDS)]) rename[`Value #${refId}`] = field;
  return panel
    // One frame of nodes and one of edges: merge joins rows on their common
    // label columns (id, title / id, source, target), each set on its own.
    .withTransformation({ id: 'merge', options: {}, filter: refIdsMatcher(Object.keys(nodes)) })
    .withTransformation({ id: 'merge', options: {}, filter: refIdsMatcher(Object.keys(edges)) })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: rename } })
    .overrideByName('mainstat', [{ id: 'unit', value: STAT_UNITS.mainstat }])
    .overrideByName('secondarystat', [{ id: 'unit', value: STAT_UNITS.secondarystat }])
    .overrideByName(NODE_FIELDS.nodes_ok, [{ id: 'displayName', value: 'succeeded' }, { id: 'color', value: { mode: 'fixed', fixedColor: 'green' } }])
    .overrideByName(NODE_FIELDS.nodes_failed, [{ id: 'displayName', value: 'failed' }, { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }])
    .nodes(
      new NodeOptionsBuilder()
        .mainStatUnit(STAT_UNITS.mainstat)
        .secondaryStatUnit(STAT_UNITS.secondarystat)
        .arcs([
          new ArcOptionBuilder().field(NODE_FIELDS.nodes_ok).color('green'),
          new ArcOptionBuilder().field(NODE_FIELDS.nodes_failed).color('red'),
        ]),
    )
    .edges(new EdgeOptionsBuilder().mainStatUnit(STAT_UNITS.mainstat).secondaryStatUnit(STAT_UNITS.secondarystat));
}

/** One row per edge: rate, error ratio and latency quantiles, merged by client/server. */
export function edgesTablePanel(matchers = '') {
  return new TableBuilder()
    .title('Edges')
    .datasource(prometheus)
    .withTarget(promTable(edgeRate(matchers), 'rate'))
    .withTarget(promTable(edgeErrorRatio(matchers), 'errors'))
    .withTarget(promTable(edgeLatencyQuantile(0.5, matchers), 'p50'))
    .withTarget(promTable(edgeLatencyQuantile(0.95, matchers), 'p95'))
    .withTarget(promTable(edgeLatencyQuantile(0.99, matchers), 'p99'))
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        renameByName: {
          'Value #rate': EDGE_COLUMNS.rate,
          'Value #errors': EDGE_COLUMNS.errorRatio,
          'Value #p50': EDGE_COLUMNS.p50,
          'Value #p95': EDGE_COLUMNS.p95,
          'Value #p99': EDGE_COLUMNS.p99,
        },
      },
    })
    // Units and colours per column: the merged table has one frame, so a
    // panel-wide unit would apply to every column.
    .overrideByName(EDGE_COLUMNS.rate, [{ id: 'unit', value: 'reqps' }])
    .overrideByName(EDGE_COLUMNS.errorRatio, [
      { id: 'unit', value: 'percentunit' },
      { id: 'thresholds', value: thresholds(0.01, 0.05).build() },
      { id: 'custom.cellOptions', value: { type: TableCellDisplayMode.ColorText } },
    ])
    .overrideByName(EDGE_COLUMNS.p50, [{ id: 'unit', value: 's' }])
    .overrideByName(EDGE_COLUMNS.p95, [{ id: 'unit', value: 's' }])
    .overrideByName(EDGE_COLUMNS.p99, [{ id: 'unit', value: 's' }]);
}

/** Column names of the edges table (units are in the field overrides). */
export const EDGE_COLUMNS = { rate: 'rate', errorRatio: 'error ratio', p50: 'p50', p95: 'p95', p99: 'p99' } as const;
