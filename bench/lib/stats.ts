export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

/** Spread of a sample relative to its median: (max - min) / median. */
export function relSpread(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = median(xs);
  return m === 0 ? NaN : (Math.max(...xs) - Math.min(...xs)) / Math.abs(m);
}

/** Interquartile range relative to the median. */
export function relIqr(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = median(xs);
  return m === 0 ? NaN : (percentile(xs, 75) - percentile(xs, 25)) / Math.abs(m);
}

/** Largest number of timestamps falling in any window of `windowMs`. */
export function peakInWindow(timestamps: readonly number[], windowMs: number): number {
  const s = [...timestamps].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while (s[hi]! - s[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toFixed(digits);
}

export function pct(n: number, digits = 0): string {
  return Number.isFinite(n) ? `${(n * 100).toFixed(digits)}%` : String(n);
}

/** Rotate `items` left by `k` — round r of an interleaved run uses rotate(items, r). */
export function rotate<T>(items: readonly T[], k: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const s = ((k % n) + n) % n;
  return [...items.slice(s), ...items.slice(0, s)];
}

/** Signed number: +1.2 / −0.4 */
export function sfmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  const s = Math.abs(n).toFixed(digits);
  return Number(s) === 0 ? `±${s}` : n > 0 ? `+${s}` : `−${s}`;
}
