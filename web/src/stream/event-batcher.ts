/**
 * Collects items pushed at any rate and hands them over at most once per animation frame, so a fast
 * model streaming hundreds of tokens a second causes about 60 React updates a second, not hundreds.
 */

/** Schedules `callback` once; returns a function that cancels it. */
export type FrameScheduler = (callback: () => void) => () => void;

/** Hidden tabs get no animation frames at all; this timer keeps their state from growing unbounded. */
const HIDDEN_TAB_FALLBACK_MS = 250;

export const animationFrameScheduler: FrameScheduler = (callback) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, HIDDEN_TAB_FALLBACK_MS);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

export class EventBatcher<T> {
  #pending: T[] = [];
  #cancel: (() => void) | null = null;
  readonly #flush: (items: T[]) => void;
  readonly #schedule: FrameScheduler;

  constructor(flush: (items: T[]) => void, schedule: FrameScheduler = animationFrameScheduler) {
    this.#flush = flush;
    this.#schedule = schedule;
  }

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    for (const item of items) this.#pending.push(item);
    this.#cancel ??= this.#schedule(() => {
      this.#cancel = null;
      this.flushNow();
    });
  }

  /** Hands over everything pending right away (e.g. before replacing the state it would apply to). */
  flushNow(): void {
    this.#cancel?.();
    this.#cancel = null;
    if (this.#pending.length === 0) return;
    const items = this.#pending;
    this.#pending = [];
    this.#flush(items);
  }

  /** Drops everything pending (the state they were meant for is being replaced). */
  clear(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#pending = [];
  }

  get size(): number {
    return this.#pending.length;
  }
}
