import { assertBucketRule, type LimitResult, type TokenBucketRule, toRetrySeconds } from "./rules.ts";

/** What is stored per bucket: the token count as of `updatedAt` (ms). Refill is computed lazily. */
export interface BucketState {
  tokens: number;
  updatedAt: number;
}

/**
 * Refill arithmetic accumulates float error (12 s × 5/60 per s may come out as 0.9999999999); this slack
 * keeps an exactly-due token from being refused for a rounding hair.
 */
const EPSILON = 1e-9;

/** Tokens available at `now`. A new bucket starts full; a clock that went backwards refills nothing. */
export function tokensAt(state: BucketState | undefined, rule: TokenBucketRule, now: number): number {
  if (!state) return rule.capacity;
  const elapsedSeconds = Math.max(0, now - state.updatedAt) / 1000;
  return Math.min(rule.capacity, state.tokens + elapsedSeconds * rule.refillPerSecond);
}

/** Takes `rule.cost` tokens if there are enough; a refusal takes nothing, so retrying costs nothing extra. */
export function takeTokens(
  state: BucketState | undefined,
  rule: TokenBucketRule,
  now: number,
): { state: BucketState; result: LimitResult } {
  assertBucketRule(rule);
  const cost = rule.cost ?? 1;
  const available = tokensAt(state, rule, now);
  if (available + EPSILON >= cost) {
    const tokens = Math.max(0, available - cost);
    return {
      state: { tokens, updatedAt: now },
      result: { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(tokens + EPSILON) },
    };
  }
  const waitMs = ((cost - available) / rule.refillPerSecond) * 1000;
  return {
    state: { tokens: available, updatedAt: now },
    result: { allowed: false, retryAfterSeconds: toRetrySeconds(waitMs), remaining: 0 },
  };
}

/** Milliseconds until the bucket is full again, i.e. until its state can be forgotten. */
export function msUntilFull(
  state: BucketState,
  capacity: number,
  refillPerSecond: number,
  now: number,
): number {
  const tokens = tokensAt(state, { capacity, refillPerSecond }, now);
  return Math.max(0, ((capacity - tokens) / refillPerSecond) * 1000);
}
