/**
 * Address text from four big-endian 32-bit words: IPv4 dotted quad (from word 3) or IPv6 in
 * RFC 5952 form (lower-case hex, leading zeros dropped, the longest run of two or more zero
 * groups — the first on a tie — shown as "::").
 *
 * Records repeat a few addresses many times, so the text of recent addresses is kept in small
 * direct-mapped caches (strings are immutable: every record may share one).
 */
const V4_SLOTS = 1024;
const v4Key = new Int32Array(V4_SLOTS);
const v4Text: string[] = new Array<string>(V4_SLOTS).fill('');
const V6_SLOTS = 256;
const v6Key = new Int32Array(V6_SLOTS * 4);
const v6Text: string[] = new Array<string>(V6_SLOTS).fill('');

const OCTET: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

export function addrText(w: ArrayLike<number>, at: number, v4: boolean): string {
  if (v4) {
    const x = w[at + 3]! | 0;
    const i = Math.imul(x, 0x9e3779b1 | 0) >>> 22;
    const cached = v4Text[i]!;
    if (cached !== '' && v4Key[i] === x) return cached;
    const text = OCTET[x >>> 24]! + '.' + OCTET[(x >>> 16) & 255]! + '.' + OCTET[(x >>> 8) & 255]! + '.' + OCTET[x & 255]!;
    v4Key[i] = x;
    v4Text[i] = text;
    return text;
  }
  const a = w[at]! | 0;
  const b = w[at + 1]! | 0;
  const c = w[at + 2]! | 0;
  const d = w[at + 3]! | 0;
  const i = Math.imul(a ^ Math.imul(b, 0x27d4eb2f) ^ Math.imul(c, 0x165667b1) ^ Math.imul(d, 0x9e3779b1 | 0), 0x85ebca77 | 0) >>> 24;
  const k = i * 4;
  const cached = v6Text[i]!;
  if (cached !== '' && v6Key[k] === a && v6Key[k + 1] === b && v6Key[k + 2] === c && v6Key[k + 3] === d) return cached;
  const text = ipv6Text(w, at);
  v6Key[k] = a;
  v6Key[k + 1] = b;
  v6Key[k + 2] = c;
  v6Key[k + 3] = d;
  v6Text[i] = text;
  return text;
}

function ipv6Text(w: ArrayLike<number>, at: number): string {
  const g: number[] = [];
  for (let i = 0; i < 4; i++) {
    const x = (w[at + i] ?? 0) >>> 0;
    g.push(x >>> 16, x & 0xffff);
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (a: number[]): string => a.map((v) => v.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}
