import type { AnomalyEventsConfig } from './config.ts';
import type { AnomalyKind, DetectorPoint } from './detector.ts';

// Turns one series' scores into anomaly events: an event opens when the
// (undamped) score reaches criticalScore, or openScore on confirmPoints
// points in a row (starting at the first), follows the incident while it lasts,
// and closes after a run of quiet points back near normal. A series that alarms again soon
// after (mergeGapMs) reopens the same event, so one incident is one event.

export type Severity = 'warning' | 'critical';

export interface SeriesEventState {
  startMs: number;
  /** Last point at or above openScore. */
  endMs: number;
  peakScore: number;
  peakAtMs: number;
  /** What the detector expected at the peak, and what it saw. */
  expected: number;
  observed: number;
  severity: Severity;
  /** What the detector saw at the peak. */
  kind: AnomalyKind;
  open: boolean;
  /** What the detector expected when the event opened: the pre-incident normal. */
  baseline: number;
}

export type EventChange = 'opened' | 'updated' | 'reopened' | 'closed';

export class EventTracker {
  private current: SeriesEventState | undefined;
  private quiet = 0;
  /** A new incident under criticalScore waiting for confirmation, and its alarming points in a row so far. */
  private pending: { state: SeriesEventState; points: number } | undefined;

  constructor(private readonly c: AnomalyEventsConfig) {}

  get event(): SeriesEventState | undefined {
    return this.current;
  }

  /** Feeds one scored point; returns what happened to the series' event, if anything. */
  observe(tMs: number, value: number, p: DetectorPoint): EventChange | undefined {
    const ev = this.current;
    // The detector gets used to a lasting shift within minutes; the event
    // stays open while the value is still at least half as far from the
    // pre-incident normal as at the peak (up to maxOpenMs: then it is the new normal).
    const deviating = ev?.open === true && tMs - ev.startMs < this.c.maxOpenMs
      && Math.abs(value - ev.baseline) >= 0.5 * Math.abs(ev.observed - ev.baseline);
    const alarming = p.rawScore >= this.c.openScore || deviating;
    if (!alarming) {
      this.pending = undefined;
      if (!ev?.open) return undefined;
      if (++this.quiet < this.c.closeAfterQuietPoints) return undefined;
      ev.open = false;
      return 'closed';
    }
    this.quiet = 0;
    if (ev && (ev.open || tMs - ev.endMs <= this.c.mergeGapMs)) {
      const reopened = !ev.open;
      ev.open = true;
      ev.endMs = tMs;
      if (p.rawScore > ev.peakScore) this.setPeak(ev, tMs, value, p);
      return reopened ? 'reopened' : 'updated';
    }
    // A new incident: confirmed by criticalScore at once, or by confirmPoints alarming points in a row.
    const pending = this.pending ??= {
      state: { startMs: tMs, endMs: tMs, peakScore: 0, peakAtMs: tMs, expected: p.expected, observed: value, severity: 'warning', kind: p.kind, open: true, baseline: p.expected },
      points: 0,
    };
    pending.points++;
    pending.state.endMs = tMs;
    if (p.rawScore > pending.state.peakScore) this.setPeak(pending.state, tMs, value, p);
    if (p.rawScore < this.c.criticalScore && pending.points < this.c.confirmPoints) return undefined;
    this.pending = undefined;
    this.current = pending.state;
    return 'opened';
  }

  private setPeak(ev: SeriesEventState, tMs: number, value: number, p: DetectorPoint): void {
    ev.peakScore = p.rawScore;
    ev.peakAtMs = tMs;
    ev.expected = p.expected;
    ev.observed = value;
    ev.kind = p.kind;
    if (p.rawScore >= this.c.criticalScore) ev.severity = 'critical';
  }
}
