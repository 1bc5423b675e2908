import type { SeriesKey } from '../series/series-key.ts';
import { seriesId } from '../series/series-key.ts';
import type { AnomalyConfig } from './config.ts';
import { errorEvidence } from './count-gate.ts';
import { SeriesDetector, type AnomalyKind, type DetectorPoint } from './detector.ts';
import { EventTracker, type EventChange, type Severity } from './event-tracker.ts';
import { rankOrigins, type ConcurrentAnomaly, type GraphEdge, type OriginCandidate } from './origin.ts';

// The live side: one detector and event tracker per watched series, fed by
// the series store's step listener; a bounded list of events with their
// likely origin and the chaos experiments active on the services involved.

export interface AnomalyEvent {
  id: string;
  series: SeriesKey;
  service: string;
  signal: string;
  startMs: number;
  /** Last alarming point; the event may still be open. */
  endMs: number;
  open: boolean;
  peakScore: number;
  peakAtMs: number;
  expected: number;
  observed: number;
  severity: Severity;
  /** What the detector saw at the peak: jump, deviation, shift or out_of_range. */
  kind: AnomalyKind;
  /** Likeliest origins in the service graph, best first. */
  origin: OriginCandidate[];
  /** Chaos experiments active on an involved service during the event. */
  experiments: string[];
}

/** What the chaos part shares as ctx.services 'chaos-activity'. */
export interface ChaosActivity {
  activeOn(service: string, atMs: number): string[];
}

export interface AnomalyEngineDeps {
  /** The service graph's edges right now. */
  edges?: () => GraphEdge[];
  /** Chaos experiments by service and time, when the chaos part runs. */
  activity?: () => ChaosActivity | undefined;
  /** Step of the RED series: with it, error ratios are weighed as counts (count-gate.ts). */
  stepMs?: number;
}

interface Watched {
  key: SeriesKey;
  lastPointMs: number;
  detector: SeriesDetector;
  tracker: EventTracker;
  lastScore: number;
  event?: AnomalyEvent;
}

export class AnomalyEngine {
  /** Points scored. */
  points = 0;
  /** Series not watched because maxSeries were already watched. */
  droppedSeries = 0;
  private readonly watched = new Map<string, Watched>();
  private readonly events: AnomalyEvent[] = [];
  private readonly eventCounts = new Map<string, { service: string; signal: string; severity: Severity; count: number }>();
  private readonly signals: Set<string> | undefined;
  private nextId = 1;
  /** Requests in the newest step of each RED series (from its rate_rps point), by seriesId with signal ''. */
  private readonly requests = new Map<string, { tMs: number; count: number }>();

  constructor(private readonly config: AnomalyConfig, private readonly deps: AnomalyEngineDeps = {}) {
    this.signals = config.signals ? new Set(config.signals) : undefined;
  }

  get seriesCount(): number {
    return this.watched.size;
  }

  /** Scores one point of a series (the series store's step listener). */
  observe(key: SeriesKey, tMs: number, value: number): void {
    const stepMs = this.deps.stepMs;
    // rate_rps comes before error_ratio in each step (red-tracker.ts), watched or not.
    if (stepMs !== undefined && key.signal === 'rate_rps') this.requests.set(seriesId({ ...key, signal: '' }), { tMs, count: (value * stepMs) / 1000 });
    if (this.signals && !this.signals.has(key.signal)) return;
    const id = seriesId(key);
    let w = this.watched.get(id);
    if (!w) {
      if (this.watched.size >= this.config.maxSeries) {
        this.droppedSeries++;
        return;
      }
      w = { key, lastPointMs: tMs, detector: new SeriesDetector(this.config.detector), tracker: new EventTracker(this.config.events), lastScore: 0 };
      this.watched.set(id, w);
    }
    if (tMs > w.lastPointMs) w.lastPointMs = tMs;
    let p = w.detector.update(tMs, value);
    this.points++;
    w.lastScore = p.score;
    if (key.signal === 'error_ratio') p = this.weighErrors(key, tMs, value, p);
    const change = w.tracker.observe(tMs, value, p);
    if (change) this.onChange(w, change);
  }

  /** Events that were open at or after `sinceMs`, newest first, optionally of one service (as the series' or an origin's). */
  list(filter: { sinceMs?: number; service?: string } = {}): AnomalyEvent[] {
    const since = filter.sinceMs ?? 0;
    const out: AnomalyEvent[] = [];
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (e.endMs < since && !e.open) continue;
      const s = filter.service;
      if (s !== undefined && e.service !== s && e.series.edge?.server !== s && e.origin[0]?.service !== s) continue;
      out.push(e);
    }
    return out;
  }

  /**
   * Forgets series without a point since `nowMs - seriesIdleMs` (services,
   * operations and instances come and go; their detectors must not fill
   * maxSeries for good). Returns how many were dropped.
   */
  sweep(nowMs: number): number {
    const oldest = nowMs - this.config.seriesIdleMs;
    let removed = 0;
    for (const [id, w] of this.watched) {
      if (w.lastPointMs >= oldest) continue;
      this.watched.delete(id);
      removed++;
    }
    for (const [id, r] of this.requests) if (r.tMs < oldest) this.requests.delete(id);
    return removed;
  }

  /** Last score of every watched series. */
  *scores(): Iterable<{ key: SeriesKey; score: number }> {
    for (const w of this.watched.values()) yield { key: w.key, score: w.lastScore };
  }

  eventCountsBy(): Iterable<{ service: string; signal: string; severity: Severity; count: number }> {
    return this.eventCounts.values();
  }

  get openEvents(): number {
    let n = 0;
    for (const e of this.events) if (e.open) n++;
    return n;
  }

  /** An error-ratio point as the event tracker should see it, given what its errors say as a count (count-gate.ts). */
  private weighErrors(key: SeriesKey, tMs: number, value: number, p: DetectorPoint): DetectorPoint {
    const n = this.requests.get(seriesId({ ...key, signal: '' }));
    if (n === undefined || n.tMs !== tMs) return p;
    const { openScore, criticalScore } = this.config.events;
    switch (errorEvidence(value, n.count, p.expected)) {
      case 'insignificant':
        return p.rawScore < openScore ? p : { ...p, rawScore: openScore / 2 };
      case 'overwhelming':
        return p.rawScore >= criticalScore ? p : { ...p, rawScore: criticalScore };
      default:
        return p;
    }
  }

  private onChange(w: Watched, change: EventChange): void {
    const state = w.tracker.event!;
    if (change === 'opened') {
      const ev: AnomalyEvent = {
        id: `anom-${this.nextId++}`, series: w.key, service: w.key.service, signal: w.key.signal,
        startMs: state.startMs, endMs: state.endMs, open: true, peakScore: state.peakScore, peakAtMs: state.peakAtMs,
        expected: state.expected, observed: state.observed, severity: state.severity, kind: state.kind, origin: [], experiments: [],
      };
      w.event = ev;
      this.events.push(ev);
      if (this.events.length > this.config.events.maxEvents) this.events.shift();
      this.count(ev);
    }
    const ev = w.event!;
    const wasCritical = ev.severity === 'critical';
    Object.assign(ev, {
      endMs: state.endMs, open: state.open, peakScore: state.peakScore, peakAtMs: state.peakAtMs,
      expected: state.expected, observed: state.observed, severity: state.severity, kind: state.kind,
    });
    if (!wasCritical && ev.severity === 'critical' && change !== 'opened') this.count(ev);
    if (change === 'closed') return;
    this.explain(ev);
    // A new anomaly may be where the others in flight started: look again.
    if (change === 'opened') for (const other of this.inWindow(ev)) if (other !== ev) this.explain(other);
  }

  /** Events open or ended within originWindowMs of `ev`, newest first. */
  private inWindow(ev: AnomalyEvent): AnomalyEvent[] {
    const window = this.config.events.originWindowMs;
    const out: AnomalyEvent[] = [];
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (!e.open && e.endMs < ev.startMs - window) {
        // Events are in start order; far older ones cannot overlap any more.
        if (e.startMs < ev.startMs - 10 * window) break;
        continue;
      }
      if (e.startMs > ev.endMs + window) continue;
      out.push(e);
    }
    return out;
  }

  private count(ev: AnomalyEvent): void {
    const k = `${ev.service}\u001f${ev.signal}\u001f${ev.severity}`;
    const c = this.eventCounts.get(k);
    if (c) c.count++;
    else this.eventCounts.set(k, { service: ev.service, signal: ev.signal, severity: ev.severity, count: 1 });
  }

  /** Origin candidates from the events in flight around this one, and the experiments that explain them. */
  private explain(ev: AnomalyEvent): void {
    const concurrent: ConcurrentAnomaly[] = this.inWindow(ev).map((e) => ({
      service: e.series.edge ? e.series.edge.server : e.service, signal: e.signal, peakScore: e.peakScore, expected: e.expected, observed: e.observed,
    }));
    const edges = this.deps.edges?.() ?? [];
    ev.origin = rankOrigins(ev.service, ev.signal, concurrent, edges);
    const activity = this.deps.activity?.();
    if (!activity) return;
    const involved = new Set<string>([ev.service, ...ev.origin.map((o) => o.service)]);
    if (ev.series.edge) involved.add(ev.series.edge.server);
    const found = new Set(ev.experiments);
    for (const s of involved) {
      for (const at of [ev.startMs, ev.peakAtMs, ev.endMs]) for (const x of activity.activeOn(s, at)) found.add(x);
    }
    ev.experiments = [...found].sort();
  }
}
