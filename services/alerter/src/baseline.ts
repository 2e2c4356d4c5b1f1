/**
 * Robust baseline of a rate from its recent history: median and MAD (median absolute deviation),
 * which one burst in the history cannot drag up the way a mean and standard deviation would.
 * 1.4826·MAD estimates the standard deviation of normal data, so k = 3 is "three sigma".
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

export interface Baseline {
  /** Median of the history; NaN when the history is too short. */
  median: number;
  mad: number;
  /** The rate above which the current window is a spike. */
  threshold: number;
  /** How many past windows it was learned from. */
  windows: number;
}

export interface BaselineParams {
  /** Multiplier of 1.4826·MAD. */
  k: number;
  /** The threshold is at least median + minDelta, so a flat history (MAD 0) does not fire on noise. */
  minDelta: number;
  /** Fewer past windows than this: no baseline (NaN), only the absolute threshold applies. */
  minWindows: number;
}

export function robustBaseline(history: readonly number[], p: BaselineParams): Baseline {
  if (history.length < p.minWindows) return { median: NaN, mad: NaN, threshold: NaN, windows: history.length };
  const m = median(history);
  const d = mad(history);
  return { median: m, mad: d, threshold: m + Math.max(p.k * 1.4826 * d, p.minDelta), windows: history.length };
}
