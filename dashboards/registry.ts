import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { chaosDashboard } from './boards/chaos.ts';
import { overviewDashboard } from './boards/overview.ts';
import { serviceGraphDashboard } from './boards/service-graph.ts';
import { serviceDashboard } from './boards/service.ts';
import { slosDashboard } from './boards/slos.ts';
import { finaliseDashboard } from './finalise.ts';

export interface GeneratedDashboard {
  /** File name under the output directory. */
  file: string;
  dashboard: Dashboard;
}

// Every dashboard Faultline generates, in the order users meet them.
const builders = {
  'overview.json': overviewDashboard,
  'service.json': serviceDashboard,
  'service-graph.json': serviceGraphDashboard,
  'slos.json': slosDashboard,
  'chaos.json': chaosDashboard,
};

export function buildDashboards(): GeneratedDashboard[] {
  return Object.entries(builders).map(([file, build]) => ({ file, dashboard: finaliseDashboard(build().build()) }));
}
