// Durations as SLO specs, experiment specs, CLI flags and Prometheus write
// them: "30s", "5m", "1h", "30d". (Jaeger's Go durations and the series API's
// `since`, which also takes "ms", have their own parsers.)
const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds for "30s", "5m", "1h", "30d", "2w"; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * unitMs[m[2]];
  return ms > 0 ? ms : undefined;
}

/** The shortest Prometheus duration text for `ms` (whole seconds). */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    if (ms % unitMs[unit] === 0) return `${ms / unitMs[unit]}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
