import { UID, faultlineDashboard } from '../common.ts';
import {
  activeExperimentsStat,
  experimentTimelinePanel,
  faultsAppliedPanel,
  governorRejectionsPanel,
  verdictsTable,
} from '../panels/chaos.ts';

export function chaosDashboard() {
  return faultlineDashboard(UID.chaos, 'Faultline / Chaos', 'Experiment timeline, verdicts, faults applied and reverted, and governor rejections.')
    .withPanel(activeExperimentsStat().gridPos({ x: 0, y: 0, w: 6, h: 6 }))
    .withPanel(verdictsTable().gridPos({ x: 6, y: 0, w: 18, h: 6 }))
    .withPanel(experimentTimelinePanel().gridPos({ x: 0, y: 6, w: 24, h: 9 }))
    .withPanel(faultsAppliedPanel().gridPos({ x: 0, y: 15, w: 12, h: 8 }))
    .withPanel(governorRejectionsPanel().gridPos({ x: 12, y: 15, w: 12, h: 8 }));
}
