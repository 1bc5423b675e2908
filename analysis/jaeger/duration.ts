// Go duration strings as Jaeger's query service takes them (time.ParseDuration):
// a sequence of decimal numbers with units ns, us/µs, ms, s, m, h, e.g.
// "1.5s", "100ms", "1h30m"; a bare "0" is zero. `allowDays` adds "d"
// (the Jaeger UI's lookback values such as "2d").

const UNIT_US: Record<string, number> = {
  ns: 1e-3, us: 1, 'µs': 1, 'μs': 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86_400e6,
};

const PART = /([0-9]*\.?[0-9]+|[0-9]+\.)(ns|us|µs|μs|ms|s|m|h|d)/y;

/** Microseconds, or undefined when `text` is not a duration. */
export function parseDurationUs(text: string, allowDays = false): number | undefined {
  if (text === '0') return 0;
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return undefined;
    if (m[2] === 'd' && !allowDays) return undefined;
    total += Number(m[1]) * UNIT_US[m[2]];
  }
  return sign * total;
}
