/**
 * Connection identifiers, computed once per connection when its record is built.
 *
 * Addresses come as four big-endian 32-bit words (IPv4 in word 3, IPv4-mapped).
 */
import { sha1Block, sha1BlockBase64 } from './sha1-short.js';

const BASE62_CODES = Uint8Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (ch) => ch.charCodeAt(0));
/** 'C' and the 17 digits of a uid. */
const uidChars = new Uint8Array(18).fill(0x43);
const PROTO_TCP = 6;

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
  // The message as 16-bit halves, packed two per big-endian word of the padded block: seed,
  // source address (2 or 8 halves), destination address, proto ‖ 0, source port, destination port.
  const m = sha1Block;
  let half = seed & 0xffff;
  let n = 0;
  const words32 = v4 ? 1 : 4;
  for (let k = 0; k < 2; k++) {
    const at = k === 0 ? sa : da;
    for (let i = 4 - words32; i < 4; i++) {
      const x = words[at + i] ?? 0;
      m[n++] = (half << 16) | (x >>> 16);
      half = x & 0xffff;
    }
  }
  m[n++] = (half << 16) | (PROTO_TCP << 8);
  m[n++] = ((sp & 0xffff) << 16) | (dp & 0xffff);
  // Padding: a 1 bit after the message, zeros, the length in bits (16 or 40 bytes).
  m[n++] = 0x80000000 | 0;
  while (n < 15) m[n++] = 0;
  m[15] = v4 ? 128 : 320;
  return sha1BlockBase64('1:');
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
