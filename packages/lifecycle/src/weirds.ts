/**
 * Anomalies ("weirds", Zeek's word) counted by name, never thrown. Names are Zeek's where Zeek
 * has the anomaly, so counts can be compared with Zeek's weird.log.
 */
export class Weirds {
  private readonly counts = new Map<string, number>();

  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** A snapshot, sorted by name. */
  toObject(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of [...this.counts.keys()].sort()) out[k] = this.counts.get(k) ?? 0;
    return out;
  }
}
