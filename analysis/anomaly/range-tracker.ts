// The range a series has lived in recently: the min and max over the last
// one to two blocks of points (two blocks kept, so memory is O(1)). A point
// far outside it is a "spatial" anomaly even when the forecasters have
// drifted along with it.
export class RangeTracker {
  private prevLo = Infinity;
  private prevHi = -Infinity;
  private curLo = Infinity;
  private curHi = -Infinity;
  private inBlock = 0;

  constructor(private readonly blockPoints: number) {}

  /** How far `x` lies outside the range, in units of the range (0 inside). */
  excess(x: number, floor: number): number {
    const lo = Math.min(this.prevLo, this.curLo);
    const hi = Math.max(this.prevHi, this.curHi);
    if (lo > hi) return 0;
    const width = Math.max(hi - lo, floor);
    if (x > hi) return (x - hi) / width;
    if (x < lo) return (lo - x) / width;
    return 0;
  }

  /** Width of the recent range (0 before any point). */
  get width(): number {
    const w = Math.max(this.prevHi, this.curHi) - Math.min(this.prevLo, this.curLo);
    return w > 0 ? w : 0;
  }

  update(x: number): void {
    if (x < this.curLo) this.curLo = x;
    if (x > this.curHi) this.curHi = x;
    if (++this.inBlock >= this.blockPoints) {
      this.prevLo = this.curLo;
      this.prevHi = this.curHi;
      this.curLo = Infinity;
      this.curHi = -Infinity;
      this.inBlock = 0;
    }
  }
}
