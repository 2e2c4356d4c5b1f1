/**
 * How kafkajs turns messages into bytes and back, tuned for large binary values (wire batches of
 * 80-byte records, ~15 KB per message, ~2 MB per send). Imported once, for its effect, by kafka.ts:
 * kafkajs keeps one codec table and one Encoder class per process, so this is the single owner of
 * both. Everything here changes cost only, never bytes: the produce-consume tests read back what
 * they sent, byte for byte, with gzip and without.
 *
 * gzip (kafkajs's built-in codec compresses at zlib's default level 6 in 16 KB output chunks):
 * - level 1: wire batches compress 2.2x faster for 8% more bytes (ratio 4.8 instead of 5.2);
 *   compression is the largest CPU cost of a sensor after decoding. Any gzip reader decompresses
 *   the output; the level does not matter there.
 * - output in one chunk sized from the input (compress) or from the gzip trailer's ISIZE field
 *   (decompress). zlib's async API runs one thread-pool task per output chunk and then
 *   concatenates the chunks; with 16 KB chunks a 350 KB fetched batch took 22 tasks and a copy.
 *   Measured on a wire batch: decompress 1.2 → 0.35 ms CPU, compress (level 1) 1.0 → 0.8 ms.
 *   A wrong ISIZE (another producer's multi-member gzip, or > 4 GiB) costs only extra chunks.
 *
 * kafkajs's Encoder (protocol/encoder.js) grows its buffer by doubling with Buffer.alloc, which
 * zero-fills, and copies a batch's records into a buffer doubled once per power of two. A sensor
 * allocated 523 MB that way for 80 MB of messages, and V8 runs a full GC per ~64 MB of such
 * external memory (52 in a 2 s replay). Two prototype methods are replaced:
 * - ensureAvailable: the same doubling, with Buffer.allocUnsafe (every Encoder method writes each
 *   byte before moving its offset past it, so no byte of the new buffer is read unwritten);
 * - writeEncoderArray: one buffer sized for all the records, instead of growing per record.
 * kafkajs is pinned (2.2.4, unmaintained since 2023); the module refuses to load when the methods it
 * replaces are missing (ENCODER_SHAPE_OK), so an upgrade cannot silently run without or beside it.
 */
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import kafkajs from 'kafkajs';

const { CompressionTypes, CompressionCodecs } = kafkajs;

const gzip = promisify(zlib.gzip);
const unzip = promisify(zlib.unzip);

const MIN_CHUNK = 16 * 1024;
/** Larger outputs take several chunks; a trailer that lies cannot make one allocation larger. */
const MAX_CHUNK = 8 * 1024 * 1024;

function clampChunk(n: number): number {
  return Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, n));
}

/** The uncompressed size a gzip member says it has (its last 4 bytes, mod 2^32), or 0. */
export function gzipSize(b: Buffer): number {
  if (b.length < 18 || b[0] !== 0x1f || b[1] !== 0x8b) return 0;
  return b.readUInt32LE(b.length - 4);
}

export function compressGzip(input: Buffer): Promise<Buffer> {
  // Compressed output is smaller than the input except for incompressible data (then 2 chunks).
  return gzip(input, { level: zlib.constants.Z_BEST_SPEED, chunkSize: clampChunk(input.length + 1024) });
}

export function decompressGzip(input: Buffer): Promise<Buffer> {
  const size = gzipSize(input);
  return unzip(input, { chunkSize: clampChunk(size > 0 ? size + 64 : input.length * 6) });
}

CompressionCodecs[CompressionTypes.GZIP] = () => ({
  compress: (encoder: { buffer: Buffer }) => compressGzip(encoder.buffer),
  decompress: (buffer: Buffer) => decompressGzip(buffer),
});

interface EncoderLike {
  buf: Buffer;
  offset: number;
}

interface EncoderClass {
  nextPowerOfTwo(n: number): number;
  prototype: {
    ensureAvailable(this: EncoderLike, length: number): void;
    writeEncoderArray(this: EncoderLike, value: EncoderLike[]): EncoderLike;
  };
}

const require = createRequire(import.meta.url);
/** kafkajs's Encoder class (exported for codec.test.ts). */
export const Encoder = require('kafkajs/src/protocol/encoder.js') as EncoderClass;
/** What is replaced below must exist as assumed: a kafkajs that changed refuses to load, loudly. */
export const ENCODER_SHAPE_OK = ['ensureAvailable', 'writeEncoderArray', 'writeBufferInternal'].every(
  (m) => typeof (Encoder.prototype as unknown as Record<string, unknown>)[m] === 'function',
) && typeof Encoder.nextPowerOfTwo === 'function';
if (!ENCODER_SHAPE_OK) {
  throw new Error('@tcplens/kafka: kafkajs\'s protocol Encoder is not the one codec.ts was written for (kafkajs 2.2.4); re-check codec.ts before upgrading');
}

function growTo(e: EncoderLike, size: number): void {
  const next = Buffer.allocUnsafe(size);
  e.buf.copy(next, 0, 0, e.offset);
  e.buf = next;
}

Encoder.prototype.ensureAvailable = function ensureAvailable(this: EncoderLike, length: number): void {
  if (this.offset + length > this.buf.length) growTo(this, Encoder.nextPowerOfTwo(this.offset + length));
};

Encoder.prototype.writeEncoderArray = function writeEncoderArray(this: EncoderLike, value: EncoderLike[]): EncoderLike {
  if (!Array.isArray(value) || value.some((v) => v == null || !Buffer.isBuffer(v.buf))) {
    throw new Error('all values should be an instance of Encoder[]');
  }
  let total = 0;
  for (const v of value) total += v.offset;
  if (this.offset + total > this.buf.length) growTo(this, this.offset + total);
  for (const v of value) {
    v.buf.copy(this.buf, this.offset, 0, v.offset);
    this.offset += v.offset;
  }
  return this;
};
