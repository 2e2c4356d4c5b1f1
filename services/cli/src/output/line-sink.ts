import { once } from 'node:events';

/**
 * Collects output lines and writes them in large chunks, waiting for the stream to drain so a slow
 * reader (a pager, a pipe) slows the analysis down instead of growing memory.
 */
export class LineSink {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  get pendingChars(): number {
    return this.size;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
