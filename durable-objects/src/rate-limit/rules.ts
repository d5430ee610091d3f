/**
 * The shapes the RateLimiter Durable Object speaks over RPC. Rules travel with every call (they are not
 * stored as configuration), so changing a limit in the worker's environment takes effect at once.
 */

/** A token bucket: `capacity` is the burst, `refillPerSecond` the sustained rate. */
export interface TokenBucketRule {
  capacity: number;
  refillPerSecond: number;
  /** Tokens this call takes; 1 unless an action is heavier than others. */
  cost?: number;
}

/** At most `limit` events in any rolling window of `windowSeconds` (exact, unlike a token bucket). */
export interface WindowRule {
  limit: number;
  windowSeconds: number;
}

export interface LimitResult {
  allowed: boolean;
  /** Whole seconds until the call would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
  /** Calls left right now (whole tokens, or events left in the window). */
  remaining: number;
}

export interface SlotResult {
  allowed: boolean;
  /** Slots held after this call (including this one when allowed). */
  active: number;
  /** Whole seconds until the earliest lease expires at the latest; 0 when allowed. */
  retryAfterSeconds: number;
}

/** Rejects rules that could never allow anything or would divide by zero: a bug, not a limit. */
export function assertBucketRule(rule: TokenBucketRule): void {
  const cost = rule.cost ?? 1;
  if (!(Number.isFinite(rule.capacity) && rule.capacity > 0))
    throw new RangeError("capacity must be positive");
  if (!(Number.isFinite(rule.refillPerSecond) && rule.refillPerSecond > 0))
    throw new RangeError("refillPerSecond must be positive");
  if (!(Number.isFinite(cost) && cost > 0 && cost <= rule.capacity))
    throw new RangeError("cost must be positive and at most capacity");
}

export function assertWindowRule(rule: WindowRule): void {
  if (!(Number.isInteger(rule.limit) && rule.limit > 0))
    throw new RangeError("limit must be a positive integer");
  if (!(Number.isFinite(rule.windowSeconds) && rule.windowSeconds > 0))
    throw new RangeError("windowSeconds must be positive");
}

/** Milliseconds to whole seconds for Retry-After: rounded up, and never 0 for a refusal. */
export function toRetrySeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
