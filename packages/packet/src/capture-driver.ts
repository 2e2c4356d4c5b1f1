import type { CaptureParser } from './capture-parser.js';
import { CarryBuffer } from './carry-buffer.js';

/**
 * Feeds a capture parser chunk by chunk. Whole records are parsed in place inside each chunk; only
 * a record that straddles two chunks is copied (into the carry buffer). The chunk is not kept after
 * push returns, so a reader may refill the same buffer for the next push.
 */
export class CaptureDriver {
  readonly carry = new CarryBuffer();

  constructor(readonly parser: CaptureParser) {}

  push(input: Uint8Array): void {
    // Node streams yield Buffers; the carry buffer is a plain Uint8Array. Parsing both would make
    // every decoder polymorphic in `b`, so chunks are viewed as plain Uint8Arrays (one view per chunk).
    const chunk = Object.getPrototypeOf(input) === Uint8Array.prototype
      ? input
      : new Uint8Array(input.buffer, input.byteOffset, input.length);
    const { parser, carry } = this;
    let pos = 0;
    const n = chunk.length;
    while (carry.len > 0 && pos < n) {
      const take = Math.min(parser.need - carry.len, n - pos);
      if (take > 0) {
        carry.append(chunk, pos, take);
        pos += take;
      }
      if (carry.len < parser.need) break;
      const before = parser.need;
      const used = parser.parse(carry.buf, 0, carry.len);
      if (used === 0 && parser.need <= before) throw new Error('capture parser made no progress');
      carry.consume(used);
    }
    if (pos < n && carry.len === 0) {
      const used = parser.parse(chunk, pos, n);
      carry.append(chunk, used, n - used);
    }
  }
}
