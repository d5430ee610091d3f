/** Distribution summary of a sample (milliseconds, usually). Empty samples give nulls, never zeros. */
export interface Summary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * Nearest-rank percentiles: the reported value is one that was actually observed, so a p99 of a small
 * sample is never an interpolation between two measurements.
 */
export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const count = sorted.length;
  if (count === 0) return { count, p50: null, p95: null, p99: null, max: null, mean: null };
  // Reported to 0.1: the inputs are millisecond clocks, more digits would be noise.
  const rank = (p: number) =>
    round(sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))] ?? 0);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: round(sorted[count - 1] ?? 0),
    mean: round(sum / count),
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
