/**
 * SHA-1 of a message shorter than 56 bytes (one 64-byte block), base64-encoded: the Community ID
 * digest without a crypto object, a Buffer or any allocation besides the result string. Written
 * from FIPS 180-4 §6.1; checked against the Community ID vectors (ids.test.ts) and node:crypto
 * (sha1-short.test.ts).
 *
 * Two ways in: bytes (sha1Input, then sha1Base64(length)), or the padded block as sixteen
 * big-endian words (sha1Block, then sha1BlockBase64()), which a caller whose message is made of
 * 32-bit words (Community ID: addresses and ports) fills without a byte step. The rounds run as
 * four loops of twenty (no per-round branch) and the base64 is cut straight from the five state
 * words: ~180 ns per digest instead of ~290 (sha1-short.test.ts has no timing; npm run bench does).
 */
const block = new Uint8Array(64);
/** Words 0..15: the padded block (big-endian words); 16..79: the message schedule. */
const w = new Int32Array(80);
const B64 = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (ch) => ch.charCodeAt(0));
const q = new Uint8Array(28);

/** The message bytes go here (at most 55), then call sha1Base64(length). */
export const sha1Input: Uint8Array = block;

/**
 * The padded block as words: the message, then a 1 bit, zeros, and the length in bits in word 15
 * (FIPS 180-4 §5.1.1). Only words 0..15 are read; fill every one of them.
 */
export const sha1Block: Int32Array = w;

/**
 * Base64 of SHA-1(sha1Input[0, len)); len ≤ 55. Overwrites the rest of the byte block. `prefix`
 * (up to two characters) is put in front in the same flat string (Community ID's "1:").
 */
export function sha1Base64(len: number, prefix = ''): string {
  block.fill(0, len);
  block[len] = 0x80;
  const bits = len * 8;
  block[62] = bits >>> 8;
  block[63] = bits & 255;
  for (let i = 0; i < 16; i++) {
    const j = i * 4;
    w[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  return sha1BlockBase64(prefix);
}

/** Base64 of the SHA-1 of the block in sha1Block (see there), with `prefix` (≤ 2 chars) in front. */
export function sha1BlockBase64(prefix = ''): string {
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  let e = 0xc3d2e1f0 | 0;
  for (let i = 0; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + (0x8f1bbcdc | 0) + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  a = (a + 0x67452301) | 0;
  b = (b + (0xefcdab89 | 0)) | 0;
  c = (c + (0x98badcfe | 0)) | 0;
  d = (d + 0x10325476) | 0;
  e = (e + (0xc3d2e1f0 | 0)) | 0;
  // The 160-bit digest a‖b‖c‖d‖e in 24-bit groups (4 characters each); the last group has 16
  // bits: 3 characters and one '='.
  quad(0, a >>> 8);
  quad(4, ((a & 255) << 16) | (b >>> 16));
  quad(8, ((b & 0xffff) << 8) | (c >>> 24));
  quad(12, c & 0xffffff);
  quad(16, d >>> 8);
  quad(20, ((d & 255) << 16) | (e >>> 16));
  quad(24, (e & 0xffff) << 8);
  if (prefix.length === 2) {
    return String.fromCharCode(
      prefix.charCodeAt(0), prefix.charCodeAt(1), q[0]!, q[1]!, q[2]!, q[3]!, q[4]!, q[5]!, q[6]!, q[7]!, q[8]!, q[9]!,
      q[10]!, q[11]!, q[12]!, q[13]!, q[14]!, q[15]!, q[16]!, q[17]!, q[18]!, q[19]!, q[20]!, q[21]!, q[22]!, q[23]!,
      q[24]!, q[25]!, q[26]!, 61,
    );
  }
  const digest = String.fromCharCode(
    q[0]!, q[1]!, q[2]!, q[3]!, q[4]!, q[5]!, q[6]!, q[7]!, q[8]!, q[9]!, q[10]!, q[11]!, q[12]!, q[13]!,
    q[14]!, q[15]!, q[16]!, q[17]!, q[18]!, q[19]!, q[20]!, q[21]!, q[22]!, q[23]!, q[24]!, q[25]!, q[26]!, 61,
  );
  return prefix + digest;
}

/** Four base64 characters of the 24-bit group x, at q[at...]. */
function quad(at: number, x: number): void {
  q[at] = B64[x >>> 18]!;
  q[at + 1] = B64[(x >>> 12) & 63]!;
  q[at + 2] = B64[(x >>> 6) & 63]!;
  q[at + 3] = B64[x & 63]!;
}
