// Reads a Prometheus text exposition (what /metrics serves) for tests and
// benchmarks: the value of one series, or the sum over series that match.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePromText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of every series named `name` whose labels include `labels`. */
export function sumSeries(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** Fetches `<apiBase>/metrics` and parses it. */
export async function scrape(apiBase: string): Promise<Sample[]> {
  const response = await fetch(`${apiBase}/metrics`);
  if (!response.ok) throw new Error(`GET ${apiBase}/metrics answered ${response.status}`);
  return parsePromText(await response.text());
}
