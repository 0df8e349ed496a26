/** Small statistics helpers shared by the benchmarks. Inputs are never mutated. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation between closest ranks). */
  q1: number;
  q3: number;
  n: number;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The p-th percentile (0..100) of already sorted values, linear interpolation. */
export function percentileSorted(sortedValues: readonly number[], p: number): number {
  const n = sortedValues.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sortedValues[0]!;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sortedValues[lo]!;
  const b = sortedValues[hi]!;
  return a + (b - a) * (rank - lo);
}

export function percentile(values: readonly number[], p: number): number {
  return percentileSorted(sorted(values), p);
}

export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  const s = sorted(values);
  return ps.map((p) => percentileSorted(s, p));
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function spread(values: readonly number[]): Spread {
  const s = sorted(values);
  return {
    median: percentileSorted(s, 50),
    min: s.length ? s[0]! : Number.NaN,
    max: s.length ? s[s.length - 1]! : Number.NaN,
    q1: percentileSorted(s, 25),
    q3: percentileSorted(s, 75),
    n: s.length,
  };
}

/** Round for display / JSON: keeps `digits` decimals, NaN becomes null. */
export function round(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** "median (min–max)" for a table cell. */
export function formatSpread(s: Spread, digits = 0): string {
  if (s.n === 0 || !Number.isFinite(s.median)) return "n/a";
  const f = (v: number) => v.toFixed(digits);
  if (s.n === 1) return f(s.median);
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}
