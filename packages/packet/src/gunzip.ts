import { Readable, pipeline } from 'node:stream';
import { constants, createGunzip } from 'node:zlib';

/**
 * Gunzips a byte source. Z_SYNC_FLUSH as finishFlush makes a truncated gzip yield everything that
 * can be decompressed instead of failing with "unexpected end of file" and dropping the last block;
 * the capture parser then reports the cut record as truncated. (Limitation, tested: a gzip cut
 * exactly at a record boundary is not reported as truncated.)
 */
export function gunzip(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const gz = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
  pipeline(Readable.from(source, { objectMode: false }), gz, () => {
    // errors reach the consumer through the gunzip stream's iterator
  });
  return gz;
}
