/**
 * Address text from four big-endian 32-bit words: IPv4 dotted quad (from word 3) or IPv6 in
 * RFC 5952 form (lower-case hex, leading zeros dropped, the longest run of two or more zero
 * groups — the first on a tie — shown as "::").
 */
export function addrText(w: ArrayLike<number>, at: number, v4: boolean): string {
  if (v4) {
    const x = (w[at + 3] ?? 0) >>> 0;
    return `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
  }
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
