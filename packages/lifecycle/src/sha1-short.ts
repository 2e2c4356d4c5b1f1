/**
 * SHA-1 of a message shorter than 56 bytes (one 64-byte block), base64-encoded: the Community ID
 * digest without a crypto object, a Buffer or any allocation besides the result string. Written
 * from FIPS 180-4 §6.1; checked against the Community ID vectors (ids.test.ts) and node:crypto
 * (sha1-short.test.ts).
 */
const block = new Uint8Array(64);
const w = new Int32Array(80);
const out = new Uint8Array(20);
const B64 = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (ch) => ch.charCodeAt(0));
const chars = new Uint8Array(28);

/** The message bytes go here (at most 55), then call sha1Base64(length). */
export const sha1Input: Uint8Array = block;

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/**
 * Base64 of SHA-1(sha1Input[0, len)); len ≤ 55. Overwrites the rest of the block. `prefix` (up to
 * two characters) is put in front in the same flat string (Community ID's "1:").
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
  for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
  const h0 = 0x67452301;
  const h1 = 0xefcdab89 | 0;
  const h2 = 0x98badcfe | 0;
  const h3 = 0x10325476;
  const h4 = 0xc3d2e1f0 | 0;
  let a = h0;
  let b = h1;
  let c = h2;
  let d = h3;
  let e = h4;
  for (let i = 0; i < 80; i++) {
    let f: number;
    let k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc | 0;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6 | 0;
    }
    const tmp = (rotl(a, 5) + f + e + k + w[i]!) | 0;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = tmp;
  }
  putWord(0, (h0 + a) | 0);
  putWord(4, (h1 + b) | 0);
  putWord(8, (h2 + c) | 0);
  putWord(12, (h3 + d) | 0);
  putWord(16, (h4 + e) | 0);
  const q = chars;
  for (let i = 0, j = 0; i < 18; i += 3, j += 4) {
    const x = (out[i]! << 16) | (out[i + 1]! << 8) | out[i + 2]!;
    q[j] = B64[x >>> 18]!;
    q[j + 1] = B64[(x >>> 12) & 63]!;
    q[j + 2] = B64[(x >>> 6) & 63]!;
    q[j + 3] = B64[x & 63]!;
  }
  const x = (out[18]! << 16) | (out[19]! << 8);
  q[24] = B64[x >>> 18]!;
  q[25] = B64[(x >>> 12) & 63]!;
  q[26] = B64[(x >>> 6) & 63]!;
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

function putWord(at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 255;
  out[at + 2] = (v >>> 8) & 255;
  out[at + 3] = v & 255;
}
