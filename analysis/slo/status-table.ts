import type { SloAlert } from './alert-tracker.ts';
import type { SloStatus } from './engine.ts';

// The table `faultline slo status` prints, from the API's JSON.

const BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

function pct(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '-' : `${(ratio * 100).toFixed(1)}%`;
}

function burn(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : v >= 100 ? `${v.toFixed(0)}x` : `${v.toFixed(2)}x`;
}

export function formatDurationShort(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(0)}s`;
  if (s < 7200) return `${(s / 60).toFixed(0)}m`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)}h`;
  return `${(s / 86_400).toFixed(1)}d`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function renderStatusTable(slos: SloStatus[], alerts: SloAlert[], nowMs: number): string {
  if (slos.length === 0) return 'no SLOs loaded (give --slo-dir or POST /api/v1/slos)\n';
  const rows = [['SLO', 'SERVICE', 'OBJECTIVE', 'BUDGET LEFT', ...BURN_WINDOWS.map((w) => `BURN ${w}`), 'EXHAUSTED IN', 'ALERTS', 'DATA']];
  for (const s of slos) {
    const ev = s.evaluation;
    const byWindow = new Map(ev?.windows.map((w) => [w.window, w.burnRate]) ?? []);
    const active = s.alerts.map((a) => `${a.severity}:${a.state}`).join(',') || '-';
    rows.push([
      s.name, s.service, `${s.objective}% / ${s.window}`, pct(ev?.budgetRemainingRatio),
      ...BURN_WINDOWS.map((w) => burn(byWindow.get(w))), formatDurationShort(ev?.timeToExhaustionMs), active, s.dataStatus,
    ]);
  }
  let out = `${table(rows)}\n`;
  if (alerts.length > 0) {
    const alertRows = [['ALERT', 'SLO', 'SEVERITY', 'STATE', 'SINCE']];
    for (const a of alerts) {
      alertRows.push([a.labels.alertname ?? '', a.slo, a.severity, a.state, `${formatDurationShort(nowMs - (a.startsAtMs ?? a.activeAtMs))} ago`]);
    }
    out += `\n${table(alertRows)}\n`;
  }
  return out;
}
