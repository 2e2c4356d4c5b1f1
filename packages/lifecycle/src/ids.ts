/**
 * Connection identifiers, computed once per connection when its record is built.
 *
 * Addresses come as four big-endian 32-bit words (IPv4 in word 3, IPv4-mapped).
 */
import { createHash } from 'node:crypto';

const scratch = Buffer.alloc(64);
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PROTO_TCP = 6;

function writeAddr(buf: Buffer, off: number, w: ArrayLike<number>, at: number, v4: boolean): number {
  if (v4) {
    buf.writeUInt32BE((w[at + 3] ?? 0) >>> 0, off);
    return off + 4;
  }
  for (let i = 0; i < 4; i++) buf.writeUInt32BE((w[at + i] ?? 0) >>> 0, off + 4 * i);
  return off + 16;
}

/** -1, 0, 1 comparing (address a, port pa) with (address b, port pb), unsigned word order. */
function compareEndpoints(w: ArrayLike<number>, a: number, pa: number, b: number, pb: number): number {
  for (let i = 0; i < 4; i++) {
    const x = (w[a + i] ?? 0) >>> 0;
    const y = (w[b + i] ?? 0) >>> 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

/**
 * Community ID v1 (https://github.com/corelight/community-id-spec) for TCP:
 * "1:" + base64(SHA1(seed u16 BE ‖ saddr ‖ daddr ‖ proto u8 ‖ 0 u8 ‖ sport u16 BE ‖ dport u16 BE)),
 * the smaller (address, port) endpoint first.
 */
export function communityId(
  words: ArrayLike<number>,
  origAt: number,
  origPort: number,
  respAt: number,
  respPort: number,
  v4: boolean,
  seed = 0,
): string {
  let [sa, sp, da, dp] = [origAt, origPort, respAt, respPort];
  if (compareEndpoints(words, origAt, origPort, respAt, respPort) > 0) [sa, sp, da, dp] = [respAt, respPort, origAt, origPort];
  scratch.writeUInt16BE(seed & 0xffff, 0);
  let off = writeAddr(scratch, 2, words, sa, v4);
  off = writeAddr(scratch, off, words, da, v4);
  scratch[off++] = PROTO_TCP;
  scratch[off++] = 0;
  scratch.writeUInt16BE(sp, off);
  scratch.writeUInt16BE(dp, off + 2);
  off += 4;
  return '1:' + createHash('sha1').update(scratch.subarray(0, off)).digest('base64');
}

/** 32-bit mix (murmur3 finalizer). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Deterministic Zeek-like uid: "C" + 17 base62 characters from three independent 32-bit hashes
 * of the originator and responder (address, port), the originator's first sequence number and
 * the first packet time in µs. The same input always gives the same uid. Not cryptographic (it
 * needs not be: it only has to be stable and rarely collide), and cheaper than a digest.
 */
export function connectionUid(
  words: ArrayLike<number>,
  origAt: number,
  origPort: number,
  respAt: number,
  respPort: number,
  firstSeq: number,
  startUs: number,
): string {
  const hi = Math.floor(startUs / 4294967296);
  let out = 'C';
  for (let k = 0; k < 3; k++) {
    let h = mix(0x9e3779b9 * (k + 1));
    for (let i = 0; i < 4; i++) h = mix(h ^ (words[origAt + i] ?? 0));
    for (let i = 0; i < 4; i++) h = mix(h ^ (words[respAt + i] ?? 0));
    h = mix(h ^ ((origPort << 16) | respPort));
    h = mix(h ^ firstSeq);
    h = mix(h ^ (startUs >>> 0));
    h = mix(h ^ hi);
    for (let d = 0; d < (k === 2 ? 5 : 6); d++) {
      out += BASE62[h % 62];
      h = Math.floor(h / 62);
    }
  }
  return out;
}
