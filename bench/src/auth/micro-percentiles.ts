/** Percentiles of sub-millisecond timings, kept to the microsecond (the shared summary rounds to 0.1 ms). */
export interface MicroSummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export function microSummary(samplesMs: readonly number[]): MicroSummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { count: sorted.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

/** Times `work` `count` times after `warmup` unmeasured runs. */
export async function timeEach(
  count: number,
  warmup: number,
  work: (i: number) => Promise<unknown> | unknown,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await work(i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await work(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}
