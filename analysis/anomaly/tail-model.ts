// How unusual a raw score (log(1 + z) of a residual) is *for this series*:
// a decayed histogram of the series' own recent raw scores gives the
// empirical tail probability, and beyond the largest recent score the tail
// is extrapolated (faster than exponentially in z). The surprise is
// -log10 of that probability, so one threshold fits quiet and noisy series
// alike, and a pattern that keeps recurring (regular spikes) stops being a
// surprise. Memory is a fixed array; updates are O(1) (lazy decay).

const BIN_WIDTH = 0.25;
const BINS = 64;
/** How fast rarity grows past the recent maximum: rarity ~ exp(((1+z)/(1+zMax))^k). */
const BEYOND_STEEPNESS = 2;
/** Raw scores below this never surprise; a multiple of BIN_WIDTH (queries start at its bin). */
const QUIET_RAW = 0.5;

/** Floats one model stores; several models may share one array (see the constructor). */
export const TAIL_MODEL_FLOATS = BINS + 1;

export class TailModel {
  /**
   * Fenwick tree over the bins in reverse order (index 0 = top bin), so the
   * count of points at or above a bin is one prefix sum: O(log bins).
   * Float32 keeps a series' memory small; counts are rescaled long before
   * they could overflow.
   */
  private readonly tree: Float32Array;
  private total = 0;
  /** Current weight of one observation; grows instead of decaying every count. */
  private weight = 1;
  private readonly growth: number;
  /** Decayed running maximum of the raw scores. */
  private max = 0;
  private readonly maxDecayPerPoint: number;

  /**
   * @param memoryPoints effective number of recent points remembered
   * @param tailScale    raw-score distance beyond the recent maximum that makes a point e times rarer
   * @param storage      TAIL_MODEL_FLOATS zeroed floats to use (a subarray of a shared buffer), or a new array
   */
  constructor(memoryPoints: number, private readonly tailScale: number, storage?: Float32Array) {
    this.tree = storage ?? new Float32Array(TAIL_MODEL_FLOATS);
    this.growth = 1 / (1 - 1 / memoryPoints);
    this.maxDecayPerPoint = 1 / memoryPoints;
  }

  /** -log10 of the tail probability of `raw` (>= 0). */
  surprise(raw: number): number {
    if (raw < QUIET_RAW || this.total === 0) return 0;
    const b = Math.floor(raw / BIN_WIDTH);
    // The whole bin counts: earlier points as extreme as this one are common in it.
    const ge = b < BINS ? this.atOrAbove(b) : 0;
    // The point itself counts as one observation, so p >= 1 / (n + 1).
    const p = (ge + this.weight) / (this.total + this.weight);
    // Beyond the recent maximum the tail falls faster than exponentially in
    // z: a point twice as far out as anything recent is far rarer.
    const d = Math.min(raw - this.max, 15);
    const beyond = d > 0 ? Math.expm1(BEYOND_STEEPNESS * d) / (BEYOND_STEEPNESS * this.tailScale) : 0;
    // Float32 rounding can put p a hair above 1.
    return Math.max(0, -Math.log10(p)) + beyond / Math.LN10;
  }

  update(raw: number): void {
    // Bins under QUIET_RAW are never asked about: only the total needs them
    // (most points; saves the tree walk and its memory traffic).
    if (raw >= QUIET_RAW) {
      const b = Math.min(BINS - 1, Math.floor(raw / BIN_WIDTH));
      for (let j = BINS - b; j <= BINS; j += j & -j) this.tree[j] += this.weight;
    }
    this.total += this.weight;
    this.weight *= this.growth;
    if (this.weight > 1e30) this.rescale();
    this.max = raw > this.max ? raw : this.max - this.maxDecayPerPoint * (this.max - raw > 0 ? 1 : 0);
  }

  /** Weighted count of points in bin `b` or above. */
  private atOrAbove(b: number): number {
    let sum = 0;
    for (let j = BINS - b; j > 0; j -= j & -j) sum += this.tree[j];
    return sum;
  }

  private rescale(): void {
    const k = 1 / this.weight;
    for (let i = 0; i <= BINS; i++) this.tree[i] *= k;
    this.total *= k;
    this.weight = 1;
  }
}
