/**
 * Buffers encoded rows and inserts them in large batches: ClickHouse makes one part per insert, so
 * row-at-a-time inserts end in "too many parts". Memory stays bounded as long as the caller awaits
 * the promise write() returns when a batch is full (at most one batch buffered plus one in flight).
 */
import type { ConnectionRecord } from '@tcplens/lifecycle';
import type { Backend } from './backend.js';
import { encodeRecord, INSERT_COLUMNS } from './encode.js';

export const DEFAULT_BATCH_ROWS = 50_000;

export interface WriterOptions {
  /** Rows per INSERT (default 50000, about 10 MB of JSONCompactEachRow). */
  batchRows?: number;
}

export interface WriterStats {
  rows: number;
  batches: number;
}

export interface Writer {
  /** Buffers one record; returns a promise (await it) when this write filled a batch. */
  write(r: ConnectionRecord): void | Promise<void>;
  /** Inserts whatever is buffered and waits for every insert to finish. */
  flush(): Promise<void>;
  readonly stats: Readonly<WriterStats>;
}

export function createWriter(backend: Backend, table: string, opts: WriterOptions = {}): Writer {
  const batchRows = Math.max(1, Math.floor(opts.batchRows ?? DEFAULT_BATCH_ROWS));
  let lines: string[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const stats: WriterStats = { rows: 0, batches: 0 };

  function sendBuffered(): Promise<void> {
    if (lines.length === 0) return inFlight;
    const batch = lines;
    lines = [];
    // Inserts run one after another, in write order; an insert error rejects this and every later
    // flush, so a failed batch is never silently skipped.
    inFlight = inFlight.then(async () => {
      await backend.insertRaw(table, INSERT_COLUMNS, 'JSONCompactEachRow', Buffer.from(batch.join('')));
      stats.rows += batch.length;
      stats.batches += 1;
    });
    return inFlight;
  }

  return {
    write(r) {
      lines.push(encodeRecord(r));
      if (lines.length >= batchRows) return sendBuffered();
      return undefined;
    },
    flush: () => sendBuffered(),
    stats,
  };
}
