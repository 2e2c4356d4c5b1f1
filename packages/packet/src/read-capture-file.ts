import { open } from 'node:fs/promises';
import { isGzip, notACapture, parserFor } from './capture-format.js';
import type { OnTcp } from './capture-parser.js';
import { CaptureDriver } from './capture-driver.js';
import { createDecodeStats } from './decode-stats.js';
import { MutableTcpPacket } from './mutable-tcp-packet.js';
import { captureResult, readCapture, type CaptureResult, type ReadCaptureOptions } from './read-capture.js';

/** Read size: 256 KiB chunks stay in the L2 cache between the read's copy and the parse (measured: 1 MiB is no faster, 4 MiB slower). */
const CHUNK_BYTES = 1 << 18;

/**
 * readCapture for a file path: the same results and errors, faster. Two reused buffers alternate:
 * the next chunk is read (on libuv's thread pool) while the current one is parsed, and nothing is
 * allocated per chunk. A gzipped file goes through readCapture's stream path.
 */
export async function readCaptureFile(
  path: string,
  onTcp: OnTcp,
  opts: ReadCaptureOptions = {},
): Promise<CaptureResult> {
  const fh = await open(path, 'r');
  let closed = false;
  try {
    let cur = new Uint8Array(CHUNK_BYTES);
    let next = new Uint8Array(CHUNK_BYTES);
    let position = 0;
    let n = (await fh.read(cur, 0, CHUNK_BYTES, position)).bytesRead;
    const magic = cur.subarray(0, Math.min(n, 4));
    if (isGzip(magic)) {
      closed = true;
      await fh.close();
      const { createReadStream } = await import('node:fs');
      return await readCapture(createReadStream(path, { highWaterMark: CHUNK_BYTES }), onTcp, opts);
    }
    const Parser = parserFor(magic);
    if (Parser === undefined) throw notACapture(magic, false);
    const stats = createDecodeStats();
    const driver = new CaptureDriver(new Parser(new MutableTcpPacket(), stats, onTcp));
    const onProgress = opts.onProgress;
    while (n > 0) {
      position += n;
      const pending = fh.read(next, 0, CHUNK_BYTES, position);
      stats.bytesConsumed += n;
      try {
        driver.push(cur.subarray(0, n));
      } catch (err) {
        await pending.catch(() => undefined);
        throw err;
      }
      onProgress?.(stats.bytesConsumed, stats.packets);
      n = (await pending).bytesRead;
      const t = cur;
      cur = next;
      next = t;
    }
    return captureResult(driver, false, stats);
  } finally {
    if (!closed) await fh.close();
  }
}
