import { UID, faultlineDashboard } from '../common.ts';
import { edgesTablePanel, serviceGraphPanel } from '../panels/service-graph.ts';

export function serviceGraphDashboard() {
  return faultlineDashboard(UID.serviceGraph, 'Faultline / Service graph', 'The live call graph from client/server span pairs, with rate, error ratio and latency per edge.')
    .withPanel(serviceGraphPanel().gridPos({ x: 0, y: 0, w: 24, h: 16 }))
    .withPanel(edgesTablePanel().gridPos({ x: 0, y: 16, w: 24, h: 10 }));
}
