import type { RateLimiter } from "./rate-limiter.ts";

/**
 * A run slot is leased, not held: if a run crashes (or its Durable Object is reset) before it releases,
 * the slot frees itself after this long. Long enough for any real run; a run that outlives it merely
 * stops counting against the user's concurrency.
 */
export const RUN_SLOT_LEASE_MS = 15 * 60_000;

/** The limiter object that counts one user's concurrent runs. */
export function runSlotKey(userId: string): string {
  return `runs:user:${userId}`;
}

/** The limiter object for `key`; every caller (worker or Durable Object) names keys the same way. */
export function limiterStub(
  namespace: DurableObjectNamespace<RateLimiter>,
  key: string,
): DurableObjectStub<RateLimiter> {
  return namespace.getByName(key);
}

/**
 * Frees the user's run slot when a run ends. Never throws: the run's outcome must not depend on the
 * limiter, and the lease is the backstop if this call is lost.
 * @example await releaseRunSlot(this.env.RATE_LIMITER, userId, runId); // ConversationAgent, run's `finally`
 */
export async function releaseRunSlot(
  namespace: DurableObjectNamespace<RateLimiter> | undefined,
  userId: string,
  runId: string,
): Promise<void> {
  if (!namespace) return;
  try {
    await limiterStub(namespace, runSlotKey(userId)).release(runId);
  } catch (error) {
    console.warn("could not release run slot; its lease will expire", { userId, runId, error });
  }
}
