// Good/bad event counts of one SLO over rolling windows, in bounded memory.
//
// Two rings of buckets: 10-second buckets for the most recent `fineSpanMs`
// (default 6 h) and 5-minute buckets for everything up to the longest window.
// Every event lands in both. A window sum takes fine buckets where they
// reach and coarse buckets beyond, pro-rating the bucket that straddles the
// window's old edge by the share of its time inside the window. So a window
// is exact to its bucket boundaries for windows within the fine span, and
// beyond it, the only approximation is that events inside the oldest 5-minute
// bucket are assumed spread evenly over it. Memory: 3 doubles per bucket,
// about 53 KB for 6 h of 10 s buckets plus 207 KB for 30 d of 5 min buckets.

export const FINE_BUCKET_MS = 10_000;
export const COARSE_BUCKET_MS = 300_000;

export interface WindowCounts {
  bad: number;
  total: number;
}

/** One ring: slot i holds bucket number `index[i]` (start = index * widthMs). */
class Ring {
  readonly index: Float64Array;
  readonly bad: Float64Array;
  readonly total: Float64Array;
  /** 1 for slots changed since the last takeChanges(). */
  private readonly dirty: Uint8Array;
  /** Bucket numbers pushed out of the ring since the last takeChanges(); bounded by `slots`. */
  private evicted: number[] = [];
  /** More evictions than slots happened: a full rewrite is cheaper than listing them. */
  overflowed = false;
  constructor(readonly widthMs: number, readonly slots: number, readonly tag: string) {
    this.index = new Float64Array(slots).fill(-1);
    this.bad = new Float64Array(slots);
    this.total = new Float64Array(slots);
    this.dirty = new Uint8Array(slots);
  }

  private evict(idx: number): void {
    if (this.overflowed) return;
    if (this.evicted.length >= this.slots) {
      this.overflowed = true;
      this.evicted = [];
    } else {
      this.evicted.push(idx);
    }
  }

  add(atMs: number, bad: number, total: number): void {
    const idx = Math.floor(atMs / this.widthMs);
    const slot = idx % this.slots;
    if (this.index[slot] !== idx) {
      // An older bucket than the one in the slot is outside the ring: drop it.
      if (this.index[slot] > idx) {
        this.evict(idx);
        return;
      }
      if (this.index[slot] >= 0) this.evict(this.index[slot]);
      this.index[slot] = idx;
      this.bad[slot] = 0;
      this.total[slot] = 0;
    }
    this.bad[slot] += bad;
    this.total[slot] += total;
    this.dirty[slot] = 1;
  }

  /** Buckets to write (all of them when `full`) and bucket numbers to delete, as hash fields. */
  takeChanges(full: boolean, set: string[], del: string[]): void {
    for (let s = 0; s < this.slots; s++) {
      if (this.index[s] >= 0 && (full || this.dirty[s] === 1)) set.push(`${this.tag}${this.index[s]}`, `${this.bad[s]} ${this.total[s]}`);
    }
    if (!full) for (const idx of this.evicted) del.push(`${this.tag}${idx}`);
    this.dirty.fill(0);
    this.evicted = [];
    this.overflowed = false;
  }

  /** Forgets pending writes (after loading what is already stored), keeping evictions to delete. */
  markClean(): void {
    this.dirty.fill(0);
  }

  /** Sum over [fromMs, toMs), pro-rating the buckets cut by the edges. */
  sum(fromMs: number, toMs: number, out: WindowCounts): void {
    if (toMs <= fromMs) return;
    const first = Math.floor(fromMs / this.widthMs);
    const last = Math.floor((toMs - 1) / this.widthMs);
    for (let idx = Math.max(first, last - this.slots + 1); idx <= last; idx++) {
      const slot = idx % this.slots;
      if (this.index[slot] !== idx) continue;
      const start = idx * this.widthMs;
      const inside = Math.min(toMs, start + this.widthMs) - Math.max(fromMs, start);
      const share = inside >= this.widthMs ? 1 : inside / this.widthMs;
      out.bad += this.bad[slot] * share;
      out.total += this.total[slot] * share;
    }
  }

  load(triples: number[]): void {
    for (let i = 0; i + 2 < triples.length; i += 3) {
      this.add(triples[i] * this.widthMs, triples[i + 1], triples[i + 2]);
    }
  }
}

export interface BucketChanges {
  /** Replace the stored buckets instead of updating them. */
  full: boolean;
  /** field, value, field, value, ... */
  set: string[];
  del: string[];
}

export class EventWindows {
  private readonly fine: Ring;
  private readonly coarse: Ring;
  /** Time covered by the fine ring with every bucket complete. */
  private readonly fineSpanMs: number;

  constructor(maxWindowMs: number, fineSpanMs = 6 * 3_600_000) {
    this.fineSpanMs = fineSpanMs;
    // One extra bucket on each ring so a window ending mid-bucket still reaches back its whole length.
    this.fine = new Ring(FINE_BUCKET_MS, Math.ceil(fineSpanMs / FINE_BUCKET_MS) + 1, 'f');
    this.coarse = new Ring(COARSE_BUCKET_MS, Math.ceil(maxWindowMs / COARSE_BUCKET_MS) + 1, 'c');
  }

  /** True until the stored copy matches (fresh counters, or a failed checkpoint): the next save writes every bucket. */
  private fullSyncNeeded = true;

  /**
   * What changed since the last call, as hash fields for the checkpoint:
   * `f<bucket>` / `c<bucket>` -> "bad total". Incremental, so a checkpoint
   * writes a few buckets per SLO, not 30 days of them.
   */
  takeChanges(): BucketChanges {
    const full = this.fullSyncNeeded || this.fine.overflowed || this.coarse.overflowed;
    const set: string[] = [];
    const del: string[] = [];
    this.fine.takeChanges(full, set, del);
    this.coarse.takeChanges(full, set, del);
    this.fullSyncNeeded = false;
    return { full, set, del };
  }

  /** The next takeChanges() writes everything (the stored copy may be behind). */
  markFullSync(): void {
    this.fullSyncNeeded = true;
  }

  /** Loads buckets stored by takeChanges(); buckets too old to hold are deleted at the next save. */
  restoreFields(fields: Record<string, string>): void {
    const fine: number[] = [];
    const coarse: number[] = [];
    for (const [field, value] of Object.entries(fields)) {
      const idx = Number(field.slice(1));
      const [bad, total] = value.split(' ').map(Number);
      if (!Number.isFinite(idx) || !Number.isFinite(bad) || !Number.isFinite(total)) continue;
      (field[0] === 'f' ? fine : coarse).push(idx, bad, total);
    }
    const byIndex = (a: number[]) => {
      const triples: number[][] = [];
      for (let i = 0; i + 2 < a.length; i += 3) triples.push([a[i], a[i + 1], a[i + 2]]);
      return triples.sort((x, y) => x[0] - y[0]).flat();
    };
    this.fine.load(byIndex(fine));
    this.coarse.load(byIndex(coarse));
    this.fine.markClean();
    this.coarse.markClean();
    this.fullSyncNeeded = false;
  }

  add(atMs: number, bad: number, total: number): void {
    this.fine.add(atMs, bad, total);
    this.coarse.add(atMs, bad, total);
  }

  /** Counts over the `windowMs` that end with the 10 s bucket holding `nowMs`. */
  counts(nowMs: number, windowMs: number): WindowCounts {
    const out: WindowCounts = { bad: 0, total: 0 };
    // The window ends with the bucket holding `now` (its events so far are all in).
    const toMs = Math.ceil(nowMs / FINE_BUCKET_MS) * FINE_BUCKET_MS;
    const fromMs = toMs - windowMs;
    if (windowMs <= this.fineSpanMs) {
      this.fine.sum(fromMs, toMs, out);
      return out;
    }
    // Fine buckets back to a coarse boundary, coarse buckets before it.
    const splitMs = Math.ceil((toMs - this.fineSpanMs) / COARSE_BUCKET_MS) * COARSE_BUCKET_MS;
    this.fine.sum(splitMs, toMs, out);
    this.coarse.sum(fromMs, splitMs, out);
    return out;
  }
}
