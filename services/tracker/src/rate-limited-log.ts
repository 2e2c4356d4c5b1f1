/**
 * Counts problems by code and logs each code at most once per interval (with how many were seen
 * since the last line), so a flood of bad messages cannot flood the log (akvorado's rule).
 */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export class RateLimitedLog {
  readonly counts = new Map<string, number>();
  private readonly lastLogged = new Map<string, { at: number; count: number }>();

  constructor(
    private readonly log: WarnLogger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one occurrence; returns true when it was logged. */
  note(code: string, detail: object, msg: string): boolean {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    const last = this.lastLogged.get(code);
    const t = this.now();
    if (last !== undefined && t - last.at < this.intervalMs) return false;
    this.log.warn({ ...detail, code, total: n, sinceLastLog: n - (last?.count ?? 0) }, msg);
    this.lastLogged.set(code, { at: t, count: n });
    return true;
  }
}
