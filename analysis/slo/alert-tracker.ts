import { createHash } from 'node:crypto';
import type { Severity } from './slo-runtime.ts';

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface SloAlert {
  /** Hash of the labels, as Alertmanager tells alerts apart. */
  fingerprint: string;
  slo: string;
  severity: Severity;
  state: AlertState;
  /** When the condition first held (pending since). */
  activeAtMs: number;
  /** When it started firing. */
  startsAtMs?: number;
  /** When it resolved. */
  endsAtMs?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A change worth telling someone about. */
export interface AlertTransition {
  alert: SloAlert;
  to: 'firing' | 'resolved';
}

export interface AlertTrackerSnapshot {
  active: SloAlert[];
  resolved: SloAlert[];
}

function alertKey(slo: string, severity: Severity): string {
  return `${slo}\u001f${severity}`;
}

export function fingerprintOf(labels: Record<string, string>): string {
  const text = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\xff');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Alert lifecycle, one alert per (SLO, severity): inactive -> pending when the
 * condition holds, pending -> firing once it has held `forMs`, firing ->
 * resolved when it stops holding (pending that stops just disappears, as in
 * Prometheus). When an SLO's labels change while its alert is active, the
 * receivers (Alertmanager among them) see another alert: the old one
 * resolves and the new one carries on from when the condition first held.
 * Resolved alerts are kept, newest first, up to `historySize`.
 */
export class AlertTracker {
  /** By alertKey(slo, severity). */
  private readonly active = new Map<string, SloAlert>();
  private resolved: SloAlert[] = [];

  constructor(private readonly historySize = 200) {}

  update(
    labels: Record<string, string>, meta: { slo: string; severity: Severity; annotations: Record<string, string> },
    holds: boolean, nowMs: number, forMs: number,
  ): AlertTransition[] {
    const key = alertKey(meta.slo, meta.severity);
    const fingerprint = fingerprintOf(labels);
    const out: AlertTransition[] = [];
    let alert = this.active.get(key);
    let since = nowMs;
    if (alert && (!holds || alert.fingerprint !== fingerprint)) {
      since = alert.activeAtMs;
      const ended = this.end(key, alert, nowMs);
      if (ended) out.push(ended);
      alert = undefined;
    }
    if (!holds) return out;
    if (!alert) {
      alert = { fingerprint, slo: meta.slo, severity: meta.severity, state: 'pending', activeAtMs: since, labels, annotations: meta.annotations };
      this.active.set(key, alert);
    }
    alert.annotations = meta.annotations;
    if (alert.state === 'pending' && nowMs - alert.activeAtMs >= forMs) {
      alert.state = 'firing';
      alert.startsAtMs = nowMs;
      out.push({ alert, to: 'firing' });
    }
    return out;
  }

  /** Drops the active alerts of an SLO that no longer exists (they resolve). */
  forget(slo: string, nowMs: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const [key, alert] of [...this.active]) {
      if (alert.slo !== slo) continue;
      const t = this.end(key, alert, nowMs);
      if (t) out.push(t);
    }
    return out;
  }

  private end(key: string, alert: SloAlert, nowMs: number): AlertTransition | undefined {
    this.active.delete(key);
    if (alert.state !== 'firing') return undefined;
    alert.state = 'resolved';
    alert.endsAtMs = nowMs;
    this.resolved.unshift(alert);
    this.resolved.length = Math.min(this.resolved.length, this.historySize);
    return { alert, to: 'resolved' };
  }

  activeAlerts(): SloAlert[] {
    return [...this.active.values()];
  }

  history(): SloAlert[] {
    return this.resolved;
  }

  snapshot(): AlertTrackerSnapshot {
    return { active: this.activeAlerts(), resolved: this.resolved };
  }

  restore(snapshot: AlertTrackerSnapshot): void {
    this.active.clear();
    for (const a of snapshot.active) this.active.set(alertKey(a.slo, a.severity), a);
    this.resolved = snapshot.resolved.slice(0, this.historySize);
  }
}
