import { ErrorCode, FaultlineError } from '../../platform/errors.ts';

// `timestamp,value` CSV as NAB writes it: a header naming both columns (any
// order, extra columns ignored), ISO timestamps (`2014-04-01 00:00:00`, taken
// as UTC when no zone is given) or epoch seconds / milliseconds.

export interface SeriesRow {
  /** The timestamp text as given, written back unchanged. */
  timestampText: string;
  tMs: number;
  valueText: string;
  value: number;
}

export function parseSeriesCsv(text: string, source = 'input'): SeriesRow[] {
  const lines = text.split(/\r?\n/);
  let h = 0;
  while (h < lines.length && lines[h].trim() === '') h++;
  if (h === lines.length) throw invalid(`${source}: empty file; expected a header line "timestamp,value"`);
  const header = lines[h].split(',').map((c) => c.trim().toLowerCase().replace(/^"|"$/g, ''));
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf('value');
  if (ti < 0 || vi < 0) {
    throw invalid(`${source}:${h + 1}: header must name the columns "timestamp" and "value" (got "${lines[h].trim()}")`);
  }
  const rows: SeriesRow[] = [];
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const cols = line.split(',');
    if (cols.length <= Math.max(ti, vi)) {
      throw invalid(`${source}:${i + 1}: expected ${header.length} columns, got ${cols.length}`);
    }
    const timestampText = cols[ti].trim();
    const valueText = cols[vi].trim();
    const tMs = parseTimestampMs(timestampText);
    if (tMs === undefined) throw invalid(`${source}:${i + 1}: bad timestamp "${timestampText}" (want ISO 8601 or epoch seconds/ms)`);
    const value = valueText === '' || valueText.toLowerCase() === 'nan' ? Number.NaN : Number(valueText);
    if (Number.isNaN(value) && valueText !== '' && valueText.toLowerCase() !== 'nan') {
      throw invalid(`${source}:${i + 1}: bad value "${valueText}" (want a number; empty or NaN for a missing value)`);
    }
    rows.push({ timestampText, tMs, valueText, value });
  }
  return rows;
}

const isoLike = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds since the epoch, or undefined when the text is not a timestamp. */
export function parseTimestampMs(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    // Epoch seconds until the year 5138; beyond that the number is milliseconds.
    return n < 1e11 ? n * 1000 : n;
  }
  const m = isoLike.exec(text);
  if (m) {
    const frac = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
    const [year, month, day, hour, minute, second] = [+m[1], +m[2], +m[3], +m[4], +m[5], m[6] ? +m[6] : 0];
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
    let t = Date.UTC(year, month - 1, day, hour, minute, second, frac);
    if (new Date(t).getUTCDate() !== day) return undefined; // 31 April and the like
    if (m[8] && m[8] !== 'Z') {
      const sign = m[8][0] === '-' ? -1 : 1;
      const digits = m[8].slice(1).replace(':', '');
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return Number.isFinite(t) ? t : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const t = Date.parse(`${text}T00:00:00Z`);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

export function formatScoresCsv(rows: SeriesRow[], scores: ArrayLike<number>): string {
  const out: string[] = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < rows.length; i++) out.push(`${rows[i].timestampText},${rows[i].valueText},${formatScore(scores[i])}`);
  return out.join('\n') + '\n';
}

function formatScore(s: number): string {
  // Enough digits to keep distinct scores distinct, never exponent notation.
  return s <= 0 ? '0' : s >= 1 ? '1' : s.toFixed(9);
}

function invalid(message: string): FaultlineError {
  return new FaultlineError(ErrorCode.InvalidInput, message);
}
