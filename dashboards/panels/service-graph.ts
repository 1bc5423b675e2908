import { EdgeOptionsBuilder, NodeOptionsBuilder, PanelBuilder as NodeGraphBuilder } from '@grafana/grafana-foundation-sdk/nodegraph';
import { TableCellDisplayMode } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { prometheus } from '../datasources.ts';
import { RATE, edgeErrorRatio, edgeLatencyQuantile, edgeRate } from '../queries.ts';
import { promTable, thresholds } from './common.ts';

// The service graph is fed from the service-graph metrics in Prometheus, as
// Grafana does for Tempo, so it needs no extra data source and works with the
// OpenTelemetry Collector's servicegraph connector too. Grafana's node graph
// takes frames with an `id` field as nodes and frames with `source`/`target`
// as edges, and reads `mainstat`/`secondarystat` by name: PromQL builds the
// id/source/target labels and an `organize` transformation names the values.

const REQUESTS = 'traces_service_graph_request_total';

/** Nodes: every service seen as a server or a client; mainstat = requests/s served. */
export function nodesQuery(matchers: string): string {
  const served = `sum by (id) (label_replace(rate(${REQUESTS}{${matchers}}[${RATE}]), "id", "$1", "server", "(.*)"))`;
  const callersOnly = `sum by (id) (label_replace(rate(${REQUESTS}{${matchers}}[${RATE}]), "id", "$1", "client", "(.*)")) * 0`;
  return `${served} or ${callersOnly}`;
}

/** Edges: one per client/server pair; mainstat = requests/s. */
export function edgesQuery(matchers: string): string {
  const rate = `sum by (client, server) (rate(${REQUESTS}{${matchers}}[${RATE}]))`;
  const withSource = `label_replace(${rate}, "source", "$1", "client", "(.*)")`;
  const withTarget = `label_replace(${withSource}, "target", "$1", "server", "(.*)")`;
  return `label_join(${withTarget}, "id", "->", "client", "server")`;
}

export function serviceGraphPanel(matchers = '') {
  return new NodeGraphBuilder()
    .title('Service graph')
    .description('Services and the calls between them (requests/s), from traces_service_graph_* metrics.')
    .datasource(prometheus)
    .withTarget(promTable(nodesQuery(matchers), 'nodes'))
    .withTarget(promTable(edgesQuery(matchers), 'edges'))
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, client: true, server: true },
        renameByName: { 'Value #nodes': 'mainstat', 'Value #edges': 'mainstat', Value: 'mainstat' },
      },
    })
    .nodes(new NodeOptionsBuilder().mainStatUnit('reqps'))
    .edges(new EdgeOptionsBuilder().mainStatUnit('reqps'));
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
