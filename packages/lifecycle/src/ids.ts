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

/**
 * Deterministic Zeek-like uid: "C" + 17 base62 characters from SHA1 over the originator and
 * responder (address, port), the originator's first sequence number and the first packet time.
 * The same input always gives the same uid; two records of one capture differ unless they share
 * all of these.
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
  let off = writeAddr(scratch, 0, words, origAt, false);
  off = writeAddr(scratch, off, words, respAt, false);
  scratch.writeUInt16BE(origPort, off);
  scratch.writeUInt16BE(respPort, off + 2);
  scratch.writeUInt32BE(firstSeq >>> 0, off + 4);
  scratch.writeDoubleBE(startUs, off + 8);
  off += 16;
  const digest = createHash('sha1').update(scratch.subarray(0, off)).digest();
  let n = 0n;
  for (let i = 0; i < 13; i++) n = (n << 8n) | BigInt(digest[i] ?? 0);
  let out = '';
  for (let i = 0; i < 17; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return 'C' + out;
}
