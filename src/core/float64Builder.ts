/** A growable Float64Array for the parsers' hot loops: push by doubling, take without copying. */
const NONE = new Float64Array(0);

export class Float64Builder {
  data: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(Math.max(16, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  /**
   * Room for `capacity` values up front, so a large matrix is not copied at every doubling.
   * Over-reserving is cheap: the pages of a fresh buffer take memory only once written.
   */
  reserve(capacity: number): void {
    if (this.length === 0 && capacity > this.data.length) this.data = new Float64Array(capacity);
  }

  /**
   * Hands the values over without copying them (a view when the buffer is larger) and starts
   * afresh, with no buffer until the next push (a parse of one line takes two builders).
   */
  take(): Float64Array {
    const out = this.length === this.data.length ? this.data : this.data.subarray(0, this.length);
    this.data = NONE;
    this.length = 0;
    return out;
  }
}
