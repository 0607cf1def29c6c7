/**
 * Latency histogram with log-spaced buckets (8 % wide, 50 µs … ~100 s): constant memory however
 * many deliveries, mergeable across loader processes, percentiles within one bucket's width.
 */
const BASE_MS = 0.05;
const FACTOR = 1.08;
export const BUCKETS = 200;

export function newHistogram(): number[] {
  return new Array<number>(BUCKETS).fill(0);
}

export function record(histogram: number[], ms: number): void {
  const i = ms <= BASE_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / BASE_MS) / Math.log(FACTOR)));
  histogram[i]++;
}

export function merge(into: number[], from: number[]): void {
  for (let i = 0; i < BUCKETS; i++) into[i] += from[i];
}

/** Upper bound (ms) of the bucket holding the p-th percentile (0..1). */
export function percentile(histogram: number[], p: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return Number.NaN;
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += histogram[i];
    if (seen >= p * total) return BASE_MS * FACTOR ** i;
  }
  return BASE_MS * FACTOR ** (BUCKETS - 1);
}
