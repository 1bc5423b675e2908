import { familyHeader, formatValue, labelPairs } from '../exposition/prometheus-text.ts';
import type { SeriesKey } from '../series/series-key.ts';
import type { AnomalyEngine } from './anomaly-engine.ts';

// The anomaly part's /metrics families, rendered by hand (one gauge line per
// watched series can be tens of thousands of lines).

function seriesLabels(key: SeriesKey): Array<[string, string]> {
  const pairs: Array<[string, string]> = [['service', key.service], ['signal', key.signal]];
  if (key.operation !== undefined) pairs.push(['operation', key.operation]);
  if (key.edge) pairs.push(['client', key.edge.client], ['server', key.edge.server]);
  if (key.instance !== undefined) pairs.push(['instance', key.instance]);
  return pairs;
}

export function renderAnomalyMetrics(engine: AnomalyEngine): string {
  const out: string[] = [];
  out.push(familyHeader('faultline_anomaly_score', 'gauge', 'Anomaly score in [0,1] of the newest point of each watched series.'));
  for (const { key, score } of engine.scores()) out.push(`faultline_anomaly_score{${labelPairs(seriesLabels(key))}} ${formatValue(score)}\n`);
  out.push(familyHeader('faultline_anomaly_events_total', 'counter', 'Anomaly events opened (and warnings that became critical), by service, signal and severity.'));
  for (const c of engine.eventCountsBy()) {
    out.push(`faultline_anomaly_events_total{${labelPairs([['service', c.service], ['signal', c.signal], ['severity', c.severity]])}} ${c.count}\n`);
  }
  out.push(familyHeader('faultline_anomaly_open_events', 'gauge', 'Anomaly events currently open.'));
  out.push(`faultline_anomaly_open_events ${engine.openEvents}\n`);
  out.push(familyHeader('faultline_anomaly_series', 'gauge', 'Series with a running anomaly detector.'));
  out.push(`faultline_anomaly_series ${engine.seriesCount}\n`);
  out.push(familyHeader('faultline_anomaly_points_total', 'counter', 'Points scored by the anomaly detectors.'));
  out.push(`faultline_anomaly_points_total ${engine.points}\n`);
  out.push(familyHeader('faultline_anomaly_series_dropped_total', 'counter', 'Points of series not watched because anomaly.maxSeries series were already watched.'));
  out.push(`faultline_anomaly_series_dropped_total ${engine.droppedSeries}\n`);
  return out.join('');
}
