/**
 * Times several operations in rounds, `count` rounds after `warmup` unmeasured ones, each round running
 * every operation once and starting from a different one each time. On a shared machine whatever else
 * runs lands on all of them alike, so their per-round differences are the cost of one path over another
 * and not of the minute it was measured in. Returns one sample array per operation, in round order.
 */
export async function timeInterleaved(
  count: number,
  warmup: number,
  operations: readonly ((i: number) => Promise<unknown>)[],
): Promise<number[][]> {
  const samples = operations.map(() => [] as number[]);
  for (let i = 0; i < warmup + count; i++) {
    for (let k = 0; k < operations.length; k++) {
      const index = (i + k) % operations.length;
      const operation = operations[index] as (i: number) => Promise<unknown>;
      const t0 = performance.now();
      await operation(i);
      const elapsed = performance.now() - t0;
      if (i >= warmup) samples[index]?.push(elapsed);
    }
    // Work without I/O never reaches the event loop's I/O phase; let sockets' closes and timers run
    // between rounds (outside the timed part), or a later request can pick up a socket the server closed.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return samples;
}

/** Two operations in alternating pairs (see timeInterleaved). */
export async function timePaired(
  count: number,
  warmup: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const [first = [], second = []] = await timeInterleaved(count, warmup, [a, b]);
  return { a: first, b: second };
}

/** Per-round differences b − a: their median is the overhead of b with the shared noise cancelled. */
export function pairDifferences(samples: { a: readonly number[]; b: readonly number[] }): number[] {
  return samples.a.map((value, i) => (samples.b[i] ?? value) - value);
}
