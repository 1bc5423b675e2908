import type { DetectorConfig } from './config.ts';
import { LevelModel } from './level-model.ts';
import { RangeTracker } from './range-tracker.ts';
import { TAIL_MODEL_FLOATS, TailModel } from './tail-model.ts';

// The streaming detector of one series. Per point (amortised O(1), bounded
// memory), four components: a jump (the last value moved by the profile's
// step), a deviation from the best-fitting forecast (level, daily or weekly
// profile), a sustained shift (short average of the forecast residuals) and
// an out-of-range value (recent min/max). Each raw z-score is calibrated
// against the series' own recent tail (tail-model.ts) into a surprise,
// -log10 p; the largest wins and maps to a score in [0, 1). After a peak,
// lower scores are damped so one incident reads as one peak.

export interface DetectorPoint {
  /** Anomaly score in [0, 1]. */
  score: number;
  /** What the best model expected. */
  expected: number;
  /** -log10 of the tail probability of the point. */
  surprise: number;
  /** The score before damping after a peak (what events use). */
  rawScore: number;
  /** Which component was most surprised. */
  kind: AnomalyKind;
}

/** jump: sudden change from the last value; deviation: far from the forecast; shift: a lasting small offset; out_of_range: outside the recent min/max. */
export type AnomalyKind = 'jump' | 'deviation' | 'shift' | 'out_of_range';
const KINDS: readonly AnomalyKind[] = ['jump', 'deviation', 'shift', 'out_of_range'];

const MAX_Z = 1e6;
/** Points before residual tails are learned (at most; half the warm-up if shorter): earlier scales are still settling. */
const TAIL_START_POINTS = 30;

export class SeriesDetector {
  private n = 0;
  private lastT = 0;
  private lastX = 0;
  private intervalMs = 0;
  private configured = false;
  /** EWMA of |seasonally adjusted first difference|: the naive model's scale. */
  private diffScale = 0;
  private magnitude = 0;
  private readonly models: LevelModel[];
  private readonly naiveTail: TailModel;
  private readonly tails: TailModel[];
  private readonly sustainedTail: TailModel;
  private readonly range: RangeTracker;
  private readonly rangeTail: TailModel;
  private sustained = 0;
  private readonly sustainedNorm: number;
  private readonly residuals: Float64Array;
  private readonly zs: Float64Array;
  private peak = 0;
  private readonly peakDecay: number;

  constructor(private readonly c: DetectorConfig) {
    const base = { maxSlots: c.maxSeasonSlots, levelAlpha: c.levelAlpha, seasonAlpha: c.seasonAlpha, scaleAlpha: c.scaleAlpha, minSlotVisits: 2 };
    this.models = [new LevelModel({ ...base, periodMs: 0 })];
    for (const h of c.seasonalPeriodsHours) this.models.push(new LevelModel({ ...base, periodMs: h * 3_600_000 }));
    // All tail models of the series live in one array (less per-object overhead).
    const storage = new Float32Array(TAIL_MODEL_FLOATS * (this.models.length + 3));
    let slot = 0;
    const tail = () => new TailModel(c.tailMemoryPoints, c.tailScale, storage.subarray(TAIL_MODEL_FLOATS * slot, TAIL_MODEL_FLOATS * ++slot));
    this.naiveTail = tail();
    this.tails = this.models.map(() => tail());
    this.sustainedTail = tail();
    this.range = new RangeTracker(c.rangeBlockPoints);
    this.rangeTail = tail();
    this.residuals = new Float64Array(this.models.length);
    this.zs = new Float64Array(this.models.length);
    this.sustainedNorm = Math.sqrt(c.sustainedAlpha / (2 - c.sustainedAlpha));
    this.tailStart = Math.min(TAIL_START_POINTS, Math.floor(c.warmupPoints / 2));
    this.peakDecay = Math.pow(0.5, 1 / c.suppressHalfLifePoints);
  }

  /** Points before tails learn: scales settle first, but tails must have data when the warm-up ends. */
  private readonly tailStart: number;
  private readonly out: DetectorPoint = { score: 0, expected: 0, surprise: 0, rawScore: 0, kind: 'deviation' };
  /** Surprise of each component at the last point: jump, forecast, sustained shift, range (diagnostics). */
  readonly lastSurprises = new Float64Array(4);

  /** Points seen so far. */
  get count(): number {
    return this.n;
  }

  /**
   * Scores the point at `tMs` using only earlier points, then learns from it.
   * The result object is reused by the next call (no allocation per point).
   */
  update(tMs: number, x: number): DetectorPoint {
    if (!Number.isFinite(x) || !Number.isFinite(tMs)) return this.result(0, this.lastX, 0, 0);
    if (this.n === 0) {
      this.n = 1;
      this.lastT = tMs;
      this.lastX = x;
      this.magnitude = Math.abs(x);
      for (const m of this.models) m.update(tMs, x, 0);
      return this.result(0, x, 0, 0);
    }
    const dt = tMs - this.lastT;
    this.trackInterval(dt);
    const gap = dt > this.c.gapIntervals * this.intervalMs;

    // Score with what earlier points taught.
    // Resolution below which residuals are not told apart: keeps scales of
    // flat or sparse series (mostly one value) from collapsing to zero.
    const floor = Math.max(1e-9 + this.c.minRelativeScale * this.magnitude, 1e-3 * this.range.width);
    let best = 0;
    for (let i = 1; i < this.models.length; i++) {
      const m = this.models[i];
      if (m.seasonal && m.ready && m.fitError < 0.9 * this.models[best].fitError) best = i;
    }
    const bm = this.models[best];
    const expected = bm.forecast(tMs);
    // The naive forecast is the last value moved by the best profile's step
    // between the two times, so regular daily jumps are not surprises.
    const rNaive = x - this.lastX - (expected - bm.forecast(this.lastT));
    const zNaive = gap ? 0 : z(rNaive, this.diffScale, floor);
    const residuals = this.residuals;
    const zs = this.zs;
    for (let i = 0; i < this.models.length; i++) {
      const m = this.models[i];
      residuals[i] = i === best ? x - expected : x - m.forecast(tMs);
      zs[i] = z(residuals[i], m.scale, floor);
    }
    const zBest = zs[best];
    const e = clip((x - expected) / Math.max(bm.scale, floor), 6);
    const sustainedNext = this.sustained + this.c.sustainedAlpha * (e - this.sustained);
    const zSustained = Math.log1p(Math.abs(sustainedNext) / this.sustainedNorm);

    const sNaive = this.naiveTail.surprise(zNaive);
    const sBest = this.tails[best].surprise(zBest);
    const sSustained = this.sustainedTail.surprise(zSustained);
    const excess = this.range.excess(x, floor);
    const zRange = excess > 0 ? Math.log1p(10 * excess) : 0;
    const sRange = this.rangeTail.surprise(zRange);
    const surprise = Math.max(sNaive, sBest, sSustained, sRange);
    const parts = this.lastSurprises;
    parts[0] = sNaive;
    parts[1] = sBest;
    parts[2] = sSustained;
    parts[3] = sRange;

    // Learn. Tails start once the scales mean something.
    const tails = this.n >= this.tailStart;
    if (tails) this.rangeTail.update(zRange);
    this.range.update(x);
    if (!gap) {
      if (tails) this.naiveTail.update(zNaive);
      this.diffScale = this.learnScale(this.diffScale, Math.abs(rNaive), floor);
    }
    this.magnitude += (this.n < 100 ? 1 / (this.n + 1) : 0.01) * (Math.abs(x) - this.magnitude);
    for (let i = 0; i < this.models.length; i++) {
      const m = this.models[i];
      if (!this.configured && this.n >= 10) m.configure(this.intervalMs);
      if (tails) this.tails[i].update(zs[i]);
      m.update(tMs, x, residuals[i], floor);
    }
    if (!this.configured && this.n >= 10) this.configured = true;
    if (tails) this.sustainedTail.update(zSustained);
    this.sustained = sustainedNext;
    this.n++;
    this.lastT = tMs;
    this.lastX = x;

    if (this.n <= this.c.warmupPoints) return this.result(0, expected, surprise, 0);
    const raw = surprise / (surprise + this.c.surpriseHalfScore);
    // One incident, one peak: only a score clearly above the last reported
    // peak (which fades) is reported in full.
    let score = raw;
    if (raw < this.peak + this.c.suppressMargin) score = raw * this.c.suppressFactor;
    else this.peak = raw;
    this.peak *= this.peakDecay;
    return this.result(score, expected, surprise, raw);
  }

  private result(score: number, expected: number, surprise: number, rawScore: number): DetectorPoint {
    const r = this.out;
    r.score = score;
    r.expected = expected;
    r.surprise = surprise;
    r.rawScore = rawScore;
    const parts = this.lastSurprises;
    let k = 1;
    for (let i = 0; i < 4; i++) if (parts[i] > parts[k]) k = i;
    r.kind = KINDS[k];
    return r;
  }

  private learnScale(scale: number, abs: number, floor: number): number {
    const a = this.n < 1 / this.c.scaleAlpha ? 1 / this.n : this.c.scaleAlpha;
    const clipped = this.n > 10 ? Math.min(abs, 4 * Math.max(scale, floor)) : abs;
    return scale + a * (clipped - scale);
  }

  private trackInterval(dt: number): void {
    if (dt <= 0) return;
    if (this.intervalMs === 0) this.intervalMs = dt;
    else if (this.n < 10) this.intervalMs = Math.min(this.intervalMs, dt);
    else this.intervalMs += 0.05 * (Math.min(Math.max(dt, this.intervalMs / 2), this.intervalMs * 2) - this.intervalMs);
  }
}

/** log(1 + z) of the residual: tails are modelled on a log scale (power-law in z). */
function z(residual: number, scale: number, floor: number): number {
  const v = Math.abs(residual) / Math.max(scale, floor);
  return Math.log1p(v > MAX_Z ? MAX_Z : v);
}

function clip(v: number, limit: number): number {
  return v > limit ? limit : v < -limit ? -limit : v;
}
