/**
 * Space-Saving heavy hitters (Metwally et al.): the top keys of an unbounded stream in fixed memory.
 * Counts are exact for every key that never left the table, which is the case for the top entries
 * unless the distribution is nearly flat; `error` bounds the overcount otherwise.
 */
export class TopK {
  private readonly counts = new Map<string, { count: number; error: number }>();
  constructor(private readonly capacity = 1000) {}

  add(key: string, n = 1): void {
    const e = this.counts.get(key);
    if (e) {
      e.count += n;
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(key, { count: n, error: 0 });
      return;
    }
    let minKey = '';
    let min = Infinity;
    for (const [k, v] of this.counts) {
      if (v.count < min) {
        min = v.count;
        minKey = k;
      }
    }
    this.counts.delete(minKey);
    this.counts.set(key, { count: min + n, error: min });
  }

  top(n: number): { key: string; count: number; error: number }[] {
    return [...this.counts.entries()]
      .map(([key, v]) => ({ key, count: v.count, error: v.error }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, n);
  }
}
