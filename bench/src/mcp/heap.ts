import v8 from "node:v8";
import vm from "node:vm";

// `--expose-gc` set at run time, so `npm run bench:mcp` needs no Node flags; the function is fetched from
// a fresh context, where the flag now takes effect.
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;

/** Heap in use after full collections (bytes): what is retained, not what happens to be uncollected. */
export function retainedHeap(): number {
  for (let i = 0; i < 3; i++) collect();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap retained per item: builds `count` items, keeps them alive, and divides the growth. Keeping many
 * and dividing makes the figure stable against the collector's own bookkeeping.
 */
export async function retainedPerItem<T>(count: number, build: (i: number) => Promise<T>): Promise<number> {
  const kept: T[] = [];
  const before = retainedHeap();
  for (let i = 0; i < count; i++) kept.push(await build(i));
  const after = retainedHeap();
  if (kept.length !== count) throw new Error("unreachable");
  return Math.round((after - before) / count);
}
