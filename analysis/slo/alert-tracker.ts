import { createHash } from 'node:crypto';
import type { Severity } from './slo-runtime.ts';

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface SloAlert {
  /** Stable id of (slo, severity): the same alert is never raised twice at once. */
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

export function fingerprintOf(labels: Record<string, string>): string {
  const text = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\xff');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Alert lifecycle, deduplicated by fingerprint: inactive -> pending when the
 * condition holds, pending -> firing once it has held `forMs`, firing ->
 * resolved when it stops holding (pending that stops just disappears, as in
 * Prometheus). Resolved alerts are kept, newest first, up to `historySize`.
 */
export class AlertTracker {
  private readonly active = new Map<string, SloAlert>();
  private resolved: SloAlert[] = [];

  constructor(private readonly historySize = 200) {}

  update(
    labels: Record<string, string>, meta: { slo: string; severity: Severity; annotations: Record<string, string> },
    holds: boolean, nowMs: number, forMs: number,
  ): AlertTransition | undefined {
    const fingerprint = fingerprintOf(labels);
    let alert = this.active.get(fingerprint);
    if (!holds) {
      if (!alert) return undefined;
      this.active.delete(fingerprint);
      if (alert.state !== 'firing') return undefined;
      alert.state = 'resolved';
      alert.endsAtMs = nowMs;
      this.resolved.unshift(alert);
      this.resolved.length = Math.min(this.resolved.length, this.historySize);
      return { alert, to: 'resolved' };
    }
    if (!alert) {
      alert = { fingerprint, slo: meta.slo, severity: meta.severity, state: 'pending', activeAtMs: nowMs, labels, annotations: meta.annotations };
      this.active.set(fingerprint, alert);
    }
    alert.annotations = meta.annotations;
    if (alert.state === 'pending' && nowMs - alert.activeAtMs >= forMs) {
      alert.state = 'firing';
      alert.startsAtMs = nowMs;
      return { alert, to: 'firing' };
    }
    return undefined;
  }

  /** Drops the active alerts of an SLO that no longer exists (they resolve). */
  forget(slo: string, nowMs: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const alert of [...this.active.values()]) {
      if (alert.slo !== slo) continue;
      const t = this.update(alert.labels, { slo, severity: alert.severity, annotations: alert.annotations }, false, nowMs, 0);
      if (t) out.push(t);
    }
    return out;
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
    for (const a of snapshot.active) this.active.set(a.fingerprint, a);
    this.resolved = snapshot.resolved.slice(0, this.historySize);
  }
}
