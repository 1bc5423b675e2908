import { promUnit, type PromUnit } from './units.ts';

// Metric and label name translation per the OpenTelemetry-to-Prometheus
// compatibility spec (specification/compatibility/prometheus_and_openmetrics.md)
// as the collector's translator implements it: invalid characters become
// '_', runs collapse, the unit suffix is added unless a name token already
// is that unit, `_total` for monotonic counters, `_ratio` for unit "1" gauges.

export type PromKind = 'counter' | 'gauge' | 'histogram' | 'summary';

export interface TranslatedName {
  name: string;
  unit: PromUnit;
}

function tokens(name: string): string[] {
  return name.split(/[^a-zA-Z0-9:]+/).filter((t) => t !== '');
}

/**
 * Prometheus family name for an OTLP metric, or '' when nothing valid is
 * left. `ratioGauge` is true for OTLP gauges with unit "1" (not non-monotonic sums).
 */
export function translateMetricName(otlpName: string, otlpUnit: string, kind: PromKind, isRatioGauge: boolean): TranslatedName {
  const unit = promUnit(otlpUnit);
  let parts = tokens(otlpName);
  if (unit.main !== '' && !parts.includes(unit.main)) parts.push(unit.main);
  if (unit.per !== '') {
    const n = parts.length;
    if (!(n >= 2 && parts[n - 2] === 'per' && parts[n - 1] === unit.per)) parts.push('per', unit.per);
  }
  if (kind === 'counter') parts = [...parts.filter((t) => t !== 'total'), 'total'];
  if (isRatioGauge) parts = [...parts.filter((t) => t !== 'ratio'), 'ratio'];
  let name = parts.join('_');
  if (/^[0-9]/.test(name)) name = `_${name}`;
  if (/^_*$/.test(name) || name === '_total' || name === '_ratio') return { name: '', unit };
  return { name, unit };
}

const labelCache = new Map<string, string>();

/**
 * Prometheus label name for an attribute key: invalid characters become '_'
 * (runs collapse), a leading digit gets `key_`; '' when only underscores remain.
 */
export function translateLabelName(key: string): string {
  const hit = labelCache.get(key);
  if (hit !== undefined) return hit;
  let name = key.replace(/[^a-zA-Z0-9_]+/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(name)) name = `key_${name}`;
  if (/^_*$/.test(name)) name = '';
  if (labelCache.size < 50_000) labelCache.set(key, name);
  return name;
}
