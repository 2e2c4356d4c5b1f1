/** Writes an IPv4 address from b[o, o+4) into a 16-byte slot as IPv4-mapped ::ffff:a.b.c.d. */
export function writeMappedIpv4(dst: Uint8Array, b: Uint8Array, o: number): void {
  dst[0] = 0; dst[1] = 0; dst[2] = 0; dst[3] = 0; dst[4] = 0; dst[5] = 0; dst[6] = 0; dst[7] = 0;
  dst[8] = 0; dst[9] = 0; dst[10] = 0xff; dst[11] = 0xff;
  dst[12] = b[o]!; dst[13] = b[o + 1]!; dst[14] = b[o + 2]!; dst[15] = b[o + 3]!;
}

/** Copies 16 bytes of an IPv6 address from b[o, o+16). */
export function writeIpv6(dst: Uint8Array, b: Uint8Array, o: number): void {
  for (let i = 0; i < 16; i++) dst[i] = b[o + i]!;
}

export function isIpv4Mapped(a: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (a[i] !== 0) return false;
  return a[10] === 0xff && a[11] === 0xff;
}

/** IPv4-mapped → "1.2.3.4"; anything else → RFC 5952 text ("2001:db8::1"). Not for the hot path. */
export function formatAddress(a: Uint8Array): string {
  if (a.length !== 16) throw new RangeError(`address must be 16 bytes, got ${a.length}`);
  if (isIpv4Mapped(a)) return `${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((a[i]! << 8) | a[i + 1]!);
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const text = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return text(0, 8);
  return `${text(0, bestStart)}::${text(bestStart + bestLen, 8)}`;
}
