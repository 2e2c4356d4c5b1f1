/**
 * Fixed-memory latency histogram (log-linear buckets, like HdrHistogram with 2 significant digits):
 * quantiles within 1% relative error whatever the number of samples, so the summary's memory does not
 * grow with the capture. Values are integer microseconds.
 */
const SUB_BUCKETS = 128; // per power of two → < 1% relative error
const MAX_EXP = 40; // 2^40 µs ≈ 12.7 days

export class Histogram {
  private readonly counts = new Float64Array(MAX_EXP * SUB_BUCKETS);
  count = 0;
  min = Infinity;
  max = -Infinity;

  record(v: number): void {
    if (!(v >= 0)) return;
    this.counts[Histogram.index(v)]! += 1;
    this.count++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Value at quantile q (0..1): the exact value when it is below SUB_BUCKETS µs, else a bucket midpoint. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, Histogram.value(i)));
    }
    return this.max;
  }

  private static index(v: number): number {
    if (v < SUB_BUCKETS) return Math.floor(v);
    const exp = Math.min(MAX_EXP - 1, Math.floor(Math.log2(v / SUB_BUCKETS)) + 1);
    const base = SUB_BUCKETS * 2 ** (exp - 1);
    const sub = Math.min(SUB_BUCKETS - 1, Math.floor((v - base) / (base / SUB_BUCKETS)));
    return exp * SUB_BUCKETS + sub;
  }

  private static value(i: number): number {
    const exp = Math.floor(i / SUB_BUCKETS);
    const sub = i % SUB_BUCKETS;
    if (exp === 0) return sub;
    const base = SUB_BUCKETS * 2 ** (exp - 1);
    const width = base / SUB_BUCKETS;
    return Math.round(base + sub * width + width / 2);
  }
}
