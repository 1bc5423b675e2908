// OTLP (UCUM) units to Prometheus unit suffixes, following the collector's
// prometheus translator (otlptranslator unit_namer.go). One deliberate
// difference: multiples of a base unit (ms, KiBy, min, ...) are rescaled to
// the Prometheus base unit (seconds, bytes), because Prometheus names carry
// base units only (`promtool check metrics` rejects `_milliseconds`) and
// dashboards expect `_seconds`. The scale is applied to every value, bucket
// bound and quantile of the metric.

export interface PromUnit {
  /** Main unit word for the name, '' for none (e.g. 'seconds', 'bytes'). */
  main: string;
  /** Per-unit word, '' for none (e.g. 'second' for 'By/s'). */
  per: string;
  /** Multiply OTLP values by this to get the value in `suffix` units. */
  scale: number;
}

const mainUnits: Record<string, { name: string; scale: number }> = {
  d: { name: 'seconds', scale: 86_400 },
  h: { name: 'seconds', scale: 3600 },
  min: { name: 'seconds', scale: 60 },
  s: { name: 'seconds', scale: 1 },
  ms: { name: 'seconds', scale: 1e-3 },
  us: { name: 'seconds', scale: 1e-6 },
  ns: { name: 'seconds', scale: 1e-9 },
  By: { name: 'bytes', scale: 1 },
  KiBy: { name: 'bytes', scale: 2 ** 10 },
  MiBy: { name: 'bytes', scale: 2 ** 20 },
  GiBy: { name: 'bytes', scale: 2 ** 30 },
  TiBy: { name: 'bytes', scale: 2 ** 40 },
  KBy: { name: 'bytes', scale: 1e3 },
  MBy: { name: 'bytes', scale: 1e6 },
  GBy: { name: 'bytes', scale: 1e9 },
  TBy: { name: 'bytes', scale: 1e12 },
  m: { name: 'meters', scale: 1 },
  V: { name: 'volts', scale: 1 },
  A: { name: 'amperes', scale: 1 },
  J: { name: 'joules', scale: 1 },
  W: { name: 'watts', scale: 1 },
  g: { name: 'grams', scale: 1 },
  Cel: { name: 'celsius', scale: 1 },
  Hz: { name: 'hertz', scale: 1 },
  '1': { name: '', scale: 1 },
  '%': { name: 'percent', scale: 1 },
};

const perUnits: Record<string, string> = {
  s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year',
};

/** Keeps [a-zA-Z0-9:], turns runs of anything else into one '_', trims '_' at the ends. */
export function cleanUnit(unit: string): string {
  return unit.replace(/[^a-zA-Z0-9:]+/g, '_').replace(/^_+|_+$/g, '');
}

function annotationOnly(unit: string): boolean {
  return unit === '' || unit.includes('{') || unit.includes('}');
}

const cache = new Map<string, PromUnit>();

export function promUnit(unit: string): PromUnit {
  const hit = cache.get(unit);
  if (hit) return hit;
  const slash = unit.indexOf('/');
  const mainRaw = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const perRaw = slash < 0 ? '' : unit.slice(slash + 1).trim();
  let main = '';
  let scale = 1;
  if (!annotationOnly(mainRaw)) {
    const known = mainUnits[mainRaw];
    main = cleanUnit(known ? known.name : mainRaw);
    scale = known ? known.scale : 1;
  }
  let per = '';
  if (!annotationOnly(perRaw)) per = cleanUnit(perUnits[perRaw] ?? perRaw);
  const result = { main, per, scale };
  if (cache.size < 10_000) cache.set(unit, result);
  return result;
}
