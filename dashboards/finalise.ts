import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

interface PanelLike {
  id?: number;
  panels?: PanelLike[];
}

/**
 * What the builders leave to be done on every built dashboard:
 * - a unique `id` for every panel and row, in layout order (Grafana keys
 *   panel state, `viewPanel=` links and panel JSON edits by it; the builders
 *   leave panels without one and every row at 0);
 * - no `placement` on links, data links and annotations: the SDK defaults it to
 *   "inControlsMenu", which recent Grafana renders inside the controls
 *   drop-down; without it they show on the dashboard itself.
 */
export function finaliseDashboard(dashboard: Dashboard): Dashboard {
  let nextId = 1;
  const number = (panels: PanelLike[] | undefined) => {
    for (const panel of panels ?? []) {
      panel.id = nextId++;
      number(panel.panels);
    }
  };
  number(dashboard.panels as PanelLike[] | undefined);
  dropControlsMenuPlacement(dashboard);
  return dashboard;
}

// Links, panel data links and annotations all get the SDK's default.
function dropControlsMenuPlacement(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) dropControlsMenuPlacement(v);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.placement === 'inControlsMenu') delete record.placement;
    for (const v of Object.values(record)) dropControlsMenuPlacement(v);
  }
}
