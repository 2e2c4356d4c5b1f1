/**
 * Buffers encoded rows and inserts them in large batches: ClickHouse makes one part per insert, so
 * row-at-a-time inserts end in "too many parts". Pipelined: when a batch fills, its insert is queued
 * behind the earlier ones (chdb runs them off the JS thread, one at a time) and write() returns a
 * promise for the insert `queuedBatches` batches back, so encoding goes on while up to that many
 * full batches wait or run. Memory stays bounded (one batch filling, `queuedBatches` queued) as
 * long as the caller awaits what write() returns. After a failed insert the writer is failed: that
 * write promise or flush() rejects, and so does every later one.
 */
import type { ConnectionRecord } from '@tcplens/lifecycle';
import type { Backend } from './backend.js';
import { INSERT_COLUMNS } from './encode.js';
import { BatchBuffer } from './batch-buffer.js';

export const DEFAULT_BATCH_ROWS = 50_000;

export interface WriterOptions {
  /** Rows per INSERT (default 50000, about 20 MB of JSONCompactEachRow). */
  batchRows?: number;
  /**
   * Full batches that may be queued or inserting before write() asks the caller to wait (default
   * 2). 1 is double buffering: a tracker catching up then stalled its consumer behind every insert.
   */
  queuedBatches?: number;
}

export interface WriterStats {
  rows: number;
  batches: number;
}

export interface Writer {
  /** Buffers one record; when this write filled a batch, returns a promise to await (backpressure). */
  write(r: ConnectionRecord): void | Promise<void>;
  /** Inserts whatever is buffered and waits for every insert to finish. */
  flush(): Promise<void>;
  /**
   * Queues what is buffered for insert (a time-based cut by a caller too busy to await a flush)
   * and returns, like write() when it fills a batch, the promise the caller must await before
   * writing much more (queuedBatches); a failure surfaces there or at flush().
   */
  seal(): Promise<void>;
  readonly stats: Readonly<WriterStats>;
}

export function createWriter(backend: Backend, table: string, opts: WriterOptions = {}): Writer {
  const batchRows = Math.max(1, Math.floor(opts.batchRows ?? DEFAULT_BATCH_ROWS));
  let batch = new BatchBuffer();
  let bytesHint = 1 << 20; // the next batch starts at the size the last one reached
  const queued = Math.max(1, Math.floor(opts.queuedBatches ?? 2));
  let inFlight: Promise<void> = Promise.resolve();
  /** The chain's promise after each of the last `queued` sealed batches, oldest first. */
  const recent: Promise<void>[] = [];
  const stats: WriterStats = { rows: 0, batches: 0 };

  /** Queues the filled batch's insert; returns the promise of the insert `queued` batches back. */
  function sendBuffered(): Promise<void> {
    const previous = inFlight;
    if (batch.rows === 0) return previous;
    const full = batch;
    bytesHint = Math.max(bytesHint, full.bytes().length + 1024);
    batch = new BatchBuffer(bytesHint);
    // Inserts run one after another, in write order; an insert error rejects this and every later
    // flush, so a failed batch is never silently skipped.
    inFlight = previous.then(async () => {
      await backend.insertRaw(table, INSERT_COLUMNS, 'JSONCompactEachRow', full.bytes());
      stats.rows += full.rows;
      stats.batches += 1;
    });
    // Observed later by write()/flush(); this only stops an unhandled-rejection crash meanwhile.
    inFlight.catch(() => undefined);
    recent.push(previous);
    return recent.length > queued - 1 ? recent.shift()! : Promise.resolve();
  }

  return {
    write(r) {
      batch.appendRecord(r);
      if (batch.rows >= batchRows) return sendBuffered();
      return undefined;
    },
    flush: async () => {
      sendBuffered();
      await inFlight;
    },
    seal: () => sendBuffered(),
    stats,
  };
}
