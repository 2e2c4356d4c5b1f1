/**
 * Up-front checks of the embedded store's directory, so a bad --data-dir fails with a message naming
 * the directory instead of a ClickHouse stack trace from deep inside the engine.
 */
import { mkdirSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StoreError } from './errors.js';

/** Creates the directory when missing and proves it is writable by writing and removing a file. */
export function ensureWritableDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    const probe = join(abs, `.tcplens-write-test-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe, { force: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreError('TCPLENS_ERR_STORE_DIR_UNWRITABLE', { dir: abs, reason }, { cause: err });
  }
  return abs;
}

/**
 * ClickHouse holds an flock on DIR/status while the engine is open and deletes the file on a clean
 * close. When opening failed and that file exists, another process holds the directory; its first
 * line reads "PID: 1234".
 */
export function lockHolder(dir: string): { locked: boolean; pid?: number } {
  const status = join(dir, 'status');
  if (!existsSync(status)) return { locked: false };
  try {
    const m = /PID:\s*(\d+)/.exec(readFileSync(status, 'utf8'));
    return m?.[1] === undefined ? { locked: true } : { locked: true, pid: Number(m[1]) };
  } catch {
    return { locked: true };
  }
}
