/**
 * Connection identifiers, computed once per connection when its record is built.
 *
 * Addresses come as four big-endian 32-bit words (IPv4 in word 3, IPv4-mapped).
 */
import { sha1Base64, sha1Input } from './sha1-short.js';

const BASE62_CODES = Uint8Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (ch) => ch.charCodeAt(0));
/** 'C' and the 17 digits of a uid. */
const uidChars = new Uint8Array(18).fill(0x43);
const PROTO_TCP = 6;

function putU32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = v >>> 24;
  buf[off + 1] = (v >>> 16) & 255;
  buf[off + 2] = (v >>> 8) & 255;
  buf[off + 3] = v & 255;
}

function writeAddr(buf: Uint8Array, off: number, w: ArrayLike<number>, at: number, v4: boolean): number {
  if (v4) {
    putU32(buf, off, w[at + 3] ?? 0);
    return off + 4;
  }
  for (let i = 0; i < 4; i++) putU32(buf, off + 4 * i, w[at + i] ?? 0);
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
  const swap = compareEndpoints(words, origAt, origPort, respAt, respPort) > 0;
  const sa = swap ? respAt : origAt;
  const sp = swap ? respPort : origPort;
  const da = swap ? origAt : respAt;
  const dp = swap ? origPort : respPort;
  const m = sha1Input;
  m[0] = (seed >>> 8) & 255;
  m[1] = seed & 255;
  let off = writeAddr(m, 2, words, sa, v4);
  off = writeAddr(m, off, words, da, v4);
  m[off++] = PROTO_TCP;
  m[off++] = 0;
  m[off++] = sp >>> 8;
  m[off++] = sp & 255;
  m[off++] = dp >>> 8;
  m[off++] = dp & 255;
  return sha1Base64(off, '1:');
}

/** 32-bit mix (murmur3 finalizer). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The starting state of the uid's three hashes: mix(0x9e3779b9 × (k + 1)), computed once. */
const UID_SEEDS = Uint32Array.from([1, 2, 3], (k) => mix(0x9e3779b9 * k));
/** The same after the first three words of an IPv4-mapped originator address (0, 0, 0xffff). */
const UID_SEEDS_V4 = UID_SEEDS.map((h) => mix(mix(mix(h ^ 0) ^ 0) ^ 0xffff));
const INV62 = 1 / 62;

/** `count` base-62 digits of h (< 2^32), lowest first, into out[at...]. */
function base62(out: Uint8Array, at: number, h: number, count: number): void {
  for (let d = 0; d < count; d++) {
    // h / 62 by a multiplication: for h < 2^32 the product is within 2^-26 of h / 62, whose
    // fraction is a multiple of 1/62, so the floor is off (by one, low) only when h / 62 is a
    // whole number; the remainder check below corrects that (and, defensively, the other side).
    let q = Math.floor(h * INV62);
    let rem = h - q * 62;
    if (rem < 0) {
      q--;
      rem += 62;
    } else if (rem >= 62) {
      q++;
      rem -= 62;
    }
    out[at + d] = BASE62_CODES[rem]!;
    h = q;
  }
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
  const lo = startUs >>> 0;
  const ports = (origPort << 16) | respPort;
  // An IPv4-mapped originator starts from the precomputed state after its three constant words.
  const mapped = words[origAt] === 0 && words[origAt + 1] === 0 && words[origAt + 2] === 0xffff;
  const seeds = mapped ? UID_SEEDS_V4 : UID_SEEDS;
  const from = mapped ? 3 : 0;
  // The three hashes take the same inputs: run them side by side (three independent chains of
  // multiplications the CPU overlaps), then write their digits in turn.
  let h0 = seeds[0]!;
  let h1 = seeds[1]!;
  let h2 = seeds[2]!;
  for (let i = from; i < 4; i++) {
    const x = words[origAt + i] ?? 0;
    h0 = mix(h0 ^ x);
    h1 = mix(h1 ^ x);
    h2 = mix(h2 ^ x);
  }
  for (let i = 0; i < 8; i++) {
    const x = i < 4 ? (words[respAt + i] ?? 0) : i === 4 ? ports : i === 5 ? firstSeq : i === 6 ? lo : hi;
    h0 = mix(h0 ^ x);
    h1 = mix(h1 ^ x);
    h2 = mix(h2 ^ x);
  }
  const out = uidChars;
  base62(out, 1, h0, 6);
  base62(out, 7, h1, 6);
  base62(out, 13, h2, 5);
  const c = out;
  return String.fromCharCode(
    c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!,
    c[15]!, c[16]!, c[17]!,
  );
}
