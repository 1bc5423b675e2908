// One forecaster of a series: a level (EWMA) plus, optionally, an additive
// seasonal profile of fixed slot count over a period (Holt-Winters without a
// trend term; trends are followed by the level). Its residuals carry their
// own robust scale (EWMA of the absolute residual, spikes clipped), so a
// residual becomes a z-score. Memory is the slot array: bounded.

export interface LevelModelOptions {
  /** Seasonal period in ms; 0 for none (level only). */
  periodMs: number;
  /** Most slots per period; slots are never narrower than the series' sampling interval. */
  maxSlots: number;
  /** EWMA weight of the level. */
  levelAlpha: number;
  /** EWMA weight of a slot, per visit. */
  seasonAlpha: number;
  /** EWMA weight of the residual scale. */
  scaleAlpha: number;
  /** A slot needs this many visits before its profile is trusted. */
  minSlotVisits: number;
}

export class LevelModel {
  private level = 0;
  private started = false;
  private slotMs = 0;
  private season: Float32Array | undefined;
  private visits: Uint8Array | undefined;
  private readySlots = 0;
  /** EWMA of |residual|: the scale that turns residuals into z-scores. */
  scale = 0;
  /** Long-run EWMA of |residual|, used to compare models. */
  fitError = 0;
  private updates = 0;
  private cachedT = Number.NaN;
  private cachedSlot = 0;

  constructor(private readonly o: LevelModelOptions) {}

  /** Fixes the slot width once the sampling interval is known; false when the period is too short for it. */
  configure(intervalMs: number): boolean {
    if (this.o.periodMs <= 0 || this.season) return true;
    // Slots are whole multiples of the sampling interval, so each slot sees
    // the same phases of the period every time round.
    const perPeriod = this.o.periodMs / Math.max(intervalMs, 1);
    const k = Math.max(1, Math.ceil(perPeriod / this.o.maxSlots));
    const slots = Math.floor(perPeriod / k);
    if (slots < 12) return false;
    this.slotMs = this.o.periodMs / slots;
    this.season = new Float32Array(slots);
    this.visits = new Uint8Array(slots);
    return true;
  }

  get seasonal(): boolean {
    return this.season !== undefined;
  }

  /** Whether every slot of the profile has been learned. */
  get ready(): boolean {
    return this.season === undefined ? this.started : this.readySlots === this.season.length;
  }

  /** The slot of `tMs`; the last answer is cached (forecast and update ask for the same time). */
  private slot(tMs: number): number {
    if (tMs === this.cachedT) return this.cachedSlot;
    const p = this.o.periodMs;
    const n = this.season!.length;
    let s = Math.floor((((tMs % p) + p) % p) / this.slotMs);
    if (s >= n) s = n - 1;
    this.cachedT = tMs;
    this.cachedSlot = s;
    return s;
  }

  /**
   * Level plus the profile's value for the slot of `tMs`; while that slot is
   * unlearned, the neighbouring slot nearer to `tMs` stands in.
   */
  forecast(tMs: number): number {
    const season = this.season;
    if (!season) return this.level;
    const n = season.length;
    const p = this.o.periodMs;
    const pos = (((tMs % p) + p) % p) / this.slotMs - 0.5;
    const s0 = (Math.floor(pos) + n) % n;
    const s1 = s0 + 1 === n ? 0 : s0 + 1;
    const near = pos - Math.floor(pos) < 0.5 ? s0 : s1;
    const min = this.o.minSlotVisits;
    if (this.visits![near] >= min) return this.level + season[near];
    const other = near === s0 ? s1 : s0;
    return this.visits![other] >= min ? this.level + season[other] : this.level;
  }

  /** Learns from a point; `floor` is the residual resolution (see the detector). */
  update(tMs: number, x: number, residual: number, floor = 0): void {
    if (!this.started) {
      this.level = x;
      this.started = true;
      return;
    }
    this.updates++;
    const a = this.o.scaleAlpha;
    const wa = this.updates < 1 / a ? 1 / this.updates : a;
    const abs = Math.abs(residual);
    const clipped = this.updates > 10 ? Math.min(abs, 4 * Math.max(this.scale, floor)) : abs;
    this.scale += wa * (clipped - this.scale);
    this.fitError += Math.min(1, wa) * 0.5 * (clipped - this.fitError);
    if (!this.season) {
      this.level += this.o.levelAlpha * (x - this.level);
      return;
    }
    const s = this.slot(tMs);
    const v = this.visits![s];
    const seasonal = v === 0 ? x - this.level : this.season[s];
    this.level += this.o.levelAlpha * (x - seasonal - this.level);
    const g = v === 0 ? 1 : Math.max(this.o.seasonAlpha, 1 / (v + 1));
    this.season[s] = seasonal + g * (x - this.level - seasonal);
    if (v < 255) {
      this.visits![s] = v + 1;
      if (v + 1 === this.o.minSlotVisits) this.readySlots++;
    }
  }
}
