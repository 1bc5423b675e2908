import { RATE } from './queries.ts';

// PromQL for Grafana's Node Graph panel over the service-graph metrics, as
// Grafana's Tempo service map reads them. The panel takes one frame of nodes
// (fields id, title, mainstat, secondarystat, arc__*) and one of edges (id,
// source, target, mainstat, secondarystat), matched by field name. Each
// instant table query below gives one value per node or edge, labelled with
// the same key labels (id, title / id, source, target); the panel merges the
// node queries into one frame and the edge queries into another, and renames
// each query's `Value #<refId>` column to the field it stands for.

const REQUESTS = 'traces_service_graph_request_total';
const FAILED = 'traces_service_graph_request_failed_total';
const SERVER_SECONDS = 'traces_service_graph_request_server_seconds_bucket';
const LATENCY_QUANTILE = 0.95;

/** Node graph field each query's value becomes, by refId. */
export const NODE_FIELDS = {
  nodes: 'mainstat', // requests/s the service served
  nodes_latency: 'secondarystat', // p95 of the calls it served, seconds
  nodes_ok: 'arc__success', // share of served calls that succeeded
  nodes_failed: 'arc__failed', // share that failed; with arc__success sums to 1
} as const;

export const EDGE_FIELDS = {
  edges: 'mainstat', // requests/s on the edge
  edges_latency: 'secondarystat', // p95, seconds
} as const;

/** Units of the stats, shared by nodes and edges. */
export const STAT_UNITS = { mainstat: 'reqps', secondarystat: 's' } as const;

function perNode(metric: string, side: 'server' | 'client', matchers: string): string {
  return `label_replace(rate(${metric}{${matchers}}[${RATE}]), "id", "$1", "${side}", "(.*)")`;
}

function withTitle(expr: string): string {
  return `label_replace(${expr}, "title", "$1", "id", "(.*)")`;
}

/** Requests/s each node served, by id. */
function served(matchers: string): string {
  return `sum by (id) (${perNode(REQUESTS, 'server', matchers)})`;
}

/** 0 for every node: servers and callers that never serve (`user`, a cron job). */
function everyNodeZero(matchers: string): string {
  return `(${served(matchers)} or sum by (id) (${perNode(REQUESTS, 'client', matchers)})) * 0`;
}

/** Failed share of the calls a node served; absent where it served none. */
function failedRatio(matchers: string): string {
  const failed = `sum by (id) (${perNode(FAILED, 'server', matchers)})`;
  return `(${failed} or ${served(matchers)} * 0) / (${served(matchers)} > 0)`;
}

export function nodeQueries(matchers: string): Record<keyof typeof NODE_FIELDS, string> {
  const zero = everyNodeZero(matchers);
  return {
    nodes: withTitle(`${served(matchers)} or ${zero}`),
    nodes_latency: withTitle(
      `histogram_quantile(${LATENCY_QUANTILE}, sum by (le, id) (${perNode(SERVER_SECONDS, 'server', matchers)}))`,
    ),
    // A node that served nothing has nothing failed: a full green arc.
    nodes_ok: withTitle(`(1 - (${failedRatio(matchers)})) or (${zero} + 1)`),
    nodes_failed: withTitle(`${failedRatio(matchers)} or ${zero}`),
  };
}

function perEdge(expr: string): string {
  return `label_replace(label_replace(${expr}, "source", "$1", "client", "(.*)"), "target", "$1", "server", "(.*)")`;
}

function withEdgeId(expr: string): string {
  return `label_join(${expr}, "id", "->", "source", "target")`;
}

export function edgeQueries(matchers: string): Record<keyof typeof EDGE_FIELDS, string> {
  return {
    edges: withEdgeId(`sum by (source, target) (${perEdge(`rate(${REQUESTS}{${matchers}}[${RATE}])`)})`),
    edges_latency: withEdgeId(
      `histogram_quantile(${LATENCY_QUANTILE}, sum by (le, source, target) (${perEdge(`rate(${SERVER_SECONDS}{${matchers}}[${RATE}])`)}))`,
    ),
  };
}

/** A Grafana frame matcher for exactly these refIds (as its query picker writes it). */
export function refIdsMatcher(refIds: string[]): { id: 'byRefId'; options: string } {
  return { id: 'byRefId', options: `/^(?:${refIds.join('|')})$/` };
}
