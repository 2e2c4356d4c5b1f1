/**
 * A one-line progress bar on stderr (packets, packets/s, ETA) — only when stderr is a terminal and
 * only once the work has taken more than a second, so scripts and quick runs never see it.
 */
export class Progress {
  private readonly start = Date.now();
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalBytes: number | null,
    private readonly enabled = stream.isTTY === true,
  ) {}

  update(bytes: number, packets: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const secs = (now - this.start) / 1000;
    const rate = packets / secs;
    let line = `${packets.toLocaleString('en-US')} packets  ${Math.round(rate).toLocaleString('en-US')} packets/s`;
    if (this.totalBytes && bytes > 0) {
      const frac = Math.min(1, bytes / this.totalBytes);
      const width = 24;
      const filled = Math.round(frac * width);
      const eta = frac > 0 ? secs / frac - secs : 0;
      line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${line}  ETA ${fmtDuration(eta)}`;
    }
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 100) - 1)}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
