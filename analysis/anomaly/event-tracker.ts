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

/** An alarming point under criticalScore, waiting for the next ones to confirm it. */
interface Candidate {
  startMs: number;
  /** What the detector expected at the first point: the pre-incident normal. */
  baseline: number;
  /** The highest point so far. */
  peakAtMs: number;
  value: number;
  rawScore: number;
  expected: number;
  kind: AnomalyKind;
  count: number;
}

export class EventTracker {
  private current: SeriesEventState | undefined;
  private quiet = 0;
  private candidate: Candidate | undefined;

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
      this.candidate = undefined;
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
    let c = this.candidate;
    if (!c) c = this.candidate = { startMs: tMs, baseline: p.expected, peakAtMs: tMs, value, rawScore: p.rawScore, expected: p.expected, kind: p.kind, count: 0 };
    c.count++;
    if (p.rawScore > c.rawScore) Object.assign(c, { peakAtMs: tMs, value, rawScore: p.rawScore, expected: p.expected, kind: p.kind });
    if (p.rawScore < this.c.criticalScore && c.count < this.c.confirmPoints) return undefined;
    this.candidate = undefined;
    const fresh: SeriesEventState = {
      startMs: c.startMs, endMs: tMs, peakScore: 0, peakAtMs: c.peakAtMs, expected: c.expected, observed: c.value, severity: 'warning', kind: c.kind, open: true, baseline: c.baseline,
    };
    this.setPeak(fresh, c.peakAtMs, c.value, { ...p, rawScore: c.rawScore, expected: c.expected, kind: c.kind });
    this.current = fresh;
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
