/** Resolves after `ms`, or at once when `signal` aborts; never rejects, so callers just check the signal. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Tokens per second to use: a step's own rate wins; 0 or Infinity means no pacing at all. */
export function effectiveRate(stepRate: number | undefined, serverRate: number): number {
  const rate = stepRate ?? serverRate;
  return rate > 0 && Number.isFinite(rate) ? rate : Number.POSITIVE_INFINITY;
}

/**
 * Token i is due at start + i/rate. Deriving every deadline from the start (instead of sleeping 1/rate
 * after each write) keeps timer lateness from accumulating into drift over long replies.
 */
export class TokenSchedule {
  readonly #start: number;
  readonly #rate: number;

  constructor(rate: number, start = performance.now()) {
    this.#rate = rate;
    this.#start = start;
  }

  /** Milliseconds (monotonic clock) at which token `index` is due. */
  dueAt(index: number): number {
    return Number.isFinite(this.#rate) ? this.#start + (index * 1000) / this.#rate : this.#start;
  }

  waitFor(index: number, signal: AbortSignal): Promise<void> {
    return sleep(this.dueAt(index) - performance.now(), signal);
  }
}

/** Reads MODEL_TOKENS_PER_SECOND: a number, or "Infinity"; anything unparsable falls back to 20. */
export function rateFromEnv(value = process.env.MODEL_TOKENS_PER_SECOND): number {
  if (value === undefined || value.trim() === "") return 20;
  const rate = Number(value);
  return Number.isNaN(rate) || rate < 0 ? 20 : rate;
}
