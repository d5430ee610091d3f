import type { LimitResult, RateLimiter, TokenBucketRule, WindowRule } from "@switchboard/durable-objects";
import { limiterStub } from "@switchboard/durable-objects";
import { ErrorCode } from "@switchboard/protocol";
import type { Context } from "hono";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";

/** 429 `rate_limited`; `retryAfterSeconds` becomes the Retry-After header (see `withRetryAfter`). */
export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(429, ErrorCode.rateLimited, message, { retryAfterSeconds });
    this.name = "RateLimitedError";
  }
}

/**
 * What a check does when the limiter itself cannot answer (timeout, object unavailable):
 * - "closed": refuse with 503 + Retry-After. For sign-up and sign-in: the limit is the brute-force
 *   defence, and an attacker must not be able to switch it off by overloading it. Their key's object
 *   is the one that overloads, so failing closed mostly refuses the attacker.
 * - "open": allow and log. For chat: an outage of the limiter must not stop every conversation. An
 *   "overloaded" object still refuses (503): that is one key's own flood, and letting it through would
 *   let a caller bypass the limit by exceeding it hard enough.
 */
export type OnLimiterFailure = "open" | "closed";

export interface EnforceOptions {
  /** The friendly message for a refusal, given the wait as words ("40 seconds"). */
  message: (wait: string) => string;
  onFailure: OnLimiterFailure;
  /** Window rules only: check without recording (e.g. the failure budget before a login). */
  checkOnly?: boolean;
}

/** A limiter call slower than this counts as a failure: a limit check must never hang a request. */
const LIMITER_TIMEOUT_MS = 2_000;

/**
 * Applies `rule` to `key` (one Durable Object per key): a token bucket takes a token, a window records an
 * event (or only checks, with `checkOnly`). Throws RateLimitedError (429) when refused; returns the result,
 * or undefined when the limiter failed open.
 * @example await enforce(env, "chat:user:42", { capacity: 10, refillPerSecond: 1 / 3 }, { message, onFailure: "open" });
 */
export async function enforce(
  env: Env,
  key: string,
  rule: TokenBucketRule | WindowRule,
  options: EnforceOptions,
): Promise<LimitResult | undefined> {
  const result = await askLimiter(
    env,
    key,
    (stub) => {
      if ("capacity" in rule) return stub.take(rule);
      return options.checkOnly ? stub.checkHits(rule) : stub.recordHit(rule);
    },
    options.onFailure,
  );
  if (result && !result.allowed) {
    throw new RateLimitedError(
      result.retryAfterSeconds,
      options.message(describeWait(result.retryAfterSeconds)),
    );
  }
  return result;
}

/**
 * Calls the key's limiter object with a timeout and one retry of a transient failure, applying the
 * failure policy. Returns undefined when failing open.
 */
export async function askLimiter<T>(
  env: Env,
  key: string,
  call: (stub: DurableObjectStub<RateLimiter>) => Promise<T>,
  onFailure: OnLimiterFailure,
): Promise<T | undefined> {
  try {
    return await withTimeout(callWithRetry(env, key, call), LIMITER_TIMEOUT_MS);
  } catch (error) {
    if (onFailure === "open" && !isOverloaded(error)) {
      console.error("rate limiter unavailable; allowing the request", { key, error });
      return undefined;
    }
    throw ApiError.unavailable("The service is busy. Try again in a moment.", error);
  }
}

async function callWithRetry<T>(
  env: Env,
  key: string,
  call: (stub: DurableObjectStub<RateLimiter>) => Promise<T>,
): Promise<T> {
  try {
    return await call(limiterStub(env.RATE_LIMITER, key));
  } catch (error) {
    // Durable Object errors say whether a retry can help; a fresh stub is needed after a broken one.
    if (!isRetryable(error) || isOverloaded(error)) throw error;
    return await call(limiterStub(env.RATE_LIMITER, key));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limiter did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const isRetryable = (error: unknown) => (error as { retryable?: unknown } | null)?.retryable === true;
const isOverloaded = (error: unknown) => (error as { overloaded?: unknown } | null)?.overloaded === true;

/**
 * Sets Retry-After when `work` is refused with 429, then rethrows for `handleError` to answer. Routes'
 * helpers (limitLogin, limitChat, …) already wrap themselves; use this around a bare `enforce`.
 */
export async function withRetryAfter<T>(c: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RateLimitedError) c.header("Retry-After", String(error.retryAfterSeconds));
    throw error;
  }
}

/** "1 second", "40 seconds", "3 minutes", "1 hour" — rounded up, since waiting less would fail again. */
export function describeWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return plural(s, "second");
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return plural(minutes, "minute");
  return plural(Math.ceil(s / 3600), "hour");
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
