/**
 * Times two operations alternately, `count` times each after `warmup` unmeasured pairs, swapping which
 * goes first on every pair. On a shared machine whatever else runs lands on both samples alike, so their
 * difference is the cost of one path over the other and not of the minute it was measured in.
 */
export async function timePaired(
  count: number,
  warmup: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const samples = { a: [] as number[], b: [] as number[] };
  const timed = async (work: (i: number) => Promise<unknown>, i: number): Promise<number> => {
    const t0 = performance.now();
    await work(i);
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup + count; i++) {
    const aFirst = i % 2 === 0;
    const first = await timed(aFirst ? a : b, i);
    const second = await timed(aFirst ? b : a, i);
    // Work without I/O never reaches the event loop's I/O phase; let sockets' closes and timers run
    // between pairs (outside the timed part), or a later request can pick up a socket the server closed.
    await new Promise((resolve) => setImmediate(resolve));
    if (i < warmup) continue;
    samples.a.push(aFirst ? first : second);
    samples.b.push(aFirst ? second : first);
  }
  return samples;
}

/** Per-pair differences b − a: their median is the overhead of b with the shared noise cancelled. */
export function pairDifferences(samples: { a: number[]; b: number[] }): number[] {
  return samples.a.map((value, i) => (samples.b[i] ?? value) - value);
}
