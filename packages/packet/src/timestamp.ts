/**
 * Splitting 64-bit capture timestamps (pcapng: units of 10^-v or 2^-k seconds since the epoch)
 * into seconds + nanoseconds without BigInt on the hot path. A double holds integers exactly up to
 * 2^53: µs timestamps fit, ns timestamps (~1.7e18) do not, so those take a 16-bit long division.
 */
export interface TsResolution {
  /** Timestamp units per second (10^v or 2^k). */
  readonly units: number;
  /** nsec = floor(frac * mul / div). */
  readonly mul: number;
  readonly div: number;
  /** if_tsoffset: seconds added to every timestamp. */
  readonly offsetSec: number;
}

export const MICROSECONDS: TsResolution = { units: 1e6, mul: 1000, div: 1, offsetSec: 0 };

/** From the pcapng if_tsresol byte: MSB clear → 10^-v, set → 2^-(v & 0x7f). */
export function resolutionFromTsresol(tsresol: number, offsetSec: number): TsResolution | undefined {
  const v = tsresol & 0x7f;
  if (tsresol & 0x80) {
    if (v > 63) return undefined;
    return { units: 2 ** v, mul: 1e9, div: 2 ** v, offsetSec };
  }
  if (v > 18) return undefined; // 10^19 units would overflow 64 bits within a second
  return v <= 9
    ? { units: 10 ** v, mul: 10 ** (9 - v), div: 1, offsetSec }
    : { units: 10 ** v, mul: 1, div: 10 ** (v - 9), offsetSec };
}

/** Result slot, reused. */
export interface SplitTs {
  sec: number;
  nsec: number;
}

const TWO_POW_32 = 4294967296;
const MAX_LONG_DIVISOR = 2 ** 37; // remainder * 2^16 must stay below 2^53

export function splitTimestamp(high: number, low: number, res: TsResolution, out: SplitTs): void {
  const u = res.units;
  let sec: number;
  let frac: number;
  if (high < 0x200000) {
    const ts = high * TWO_POW_32 + low;
    sec = Math.floor(ts / u);
    frac = ts - sec * u;
    if (frac < 0) {
      sec--;
      frac += u;
    } else if (frac >= u) {
      sec++;
      frac -= u;
    }
  } else if (u <= MAX_LONG_DIVISOR) {
    // Long division of the four 16-bit digits high_hi, high_lo, low_hi, low_lo by u.
    let cur = high >>> 16;
    let q = Math.floor(cur / u);
    frac = cur - q * u;
    sec = q;
    cur = frac * 65536 + (high & 0xffff);
    q = Math.floor(cur / u);
    frac = cur - q * u;
    sec = sec * 65536 + q;
    cur = frac * 65536 + (low >>> 16);
    q = Math.floor(cur / u);
    frac = cur - q * u;
    sec = sec * 65536 + q;
    cur = frac * 65536 + (low & 0xffff);
    q = Math.floor(cur / u);
    frac = cur - q * u;
    sec = sec * 65536 + q;
  } else {
    const ts = (BigInt(high) << 32n) | BigInt(low);
    const bu = BigInt(u);
    sec = Number(ts / bu);
    frac = Number(ts % bu);
  }
  out.sec = sec + res.offsetSec;
  out.nsec = res.div === 1 ? frac * res.mul : Math.floor((frac * res.mul) / res.div);
}
