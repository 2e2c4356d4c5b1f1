// Interface Description Block body (after type and length):
//   linktype(2) reserved(2) snaplen(4) options...
// Options: code(2) length(2) value padded to 4 bytes; 0 = end. We read
//   if_tsresol (9, 1 byte): MSB clear → 10^-v s, set → 2^-v s; default 10^-6
//   if_tsoffset (14, 8 bytes): signed seconds added to every timestamp
import { u16, u32 } from './bytes.js';
import { MICROSECONDS, resolutionFromTsresol, type TsResolution } from './timestamp.js';

export interface PcapngInterface {
  readonly linkType: number;
  readonly snapLen: number;
  readonly resolution: TsResolution;
}

const OPT_END = 0;
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

/** Parses an IDB occupying b[o, o+len) (whole block, len >= 20). Bad options are ignored. */
export function parseInterfaceBlock(b: Uint8Array, o: number, len: number, le: boolean): PcapngInterface {
  const linkType = u16(b, o + 8, le);
  const snapLen = u32(b, o + 12, le);
  let tsresol = 6;
  let offsetSec = 0;
  const end = o + len - 4;
  for (let p = o + 16; p + 4 <= end; ) {
    const code = u16(b, p, le);
    const optLen = u16(b, p + 2, le);
    if (code === OPT_END || p + 4 + optLen > end) break;
    if (code === OPT_TSRESOL && optLen >= 1) tsresol = b[p + 4]!;
    if (code === OPT_TSOFFSET && optLen === 8) {
      const hi = u32(b, p + 4 + (le ? 4 : 0), le) | 0; // signed
      const lo = u32(b, p + 4 + (le ? 0 : 4), le);
      offsetSec = hi * 4294967296 + lo;
    }
    p += 4 + ((optLen + 3) & ~3);
  }
  const resolution = tsresol === 6 && offsetSec === 0 ? MICROSECONDS : resolutionFromTsresol(tsresol, offsetSec);
  return { linkType, snapLen, resolution: resolution ?? MICROSECONDS };
}
