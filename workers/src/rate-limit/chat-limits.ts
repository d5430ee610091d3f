import type { StartRunResult } from "@switchboard/durable-objects";
import { releaseRunSlot as releaseSlot, runSlotKey } from "@switchboard/durable-objects";
import type { Context } from "hono";
import type { Principal } from "../auth/principal.ts";
import type { Env } from "../env.ts";
import type { AppEnv } from "../http/app-types.ts";
import { limitKeys } from "./keys.ts";
import { chatLimits } from "./limits.ts";
import { askLimiter, enforce, RateLimitedError, withRetryAfter } from "./rate-limiter.ts";

/*
 * Chat limits fail OPEN (allow and log) if the limiter cannot answer, except when the key's object is
 * overloaded (see OnLimiterFailure): a limiter outage must not stop every conversation.
 */

/** A refused run slot suggests a retry this soon: runs usually end in seconds, not at lease expiry. */
const RUN_SLOT_RETRY_HINT_SECONDS = 5;

/**
 * Before a message starts a run: the API key's bucket (if the call came with one), then the user's — so
 * several keys cannot multiply a user's allowance, and one busy key cannot starve the user's others.
 * @example await limitChat(c, c.var.principal); // POST /conversations/{id}/messages, before startRun
 */
export function limitChat(c: Context<AppEnv>, principal: Principal | undefined): Promise<void> {
  return withRetryAfter(c, async () => {
    if (!principal) return;
    const rules = chatLimits(c.env);
    const options = {
      onFailure: "open",
      message: (wait: string) => `You are sending messages too quickly. Try again in ${wait}.`,
    } as const;
    if (principal.via === "api_key" && principal.apiKeyId) {
      await enforce(c.env, limitKeys.chatByApiKey(principal.apiKeyId), rules.apiKey, {
        ...options,
        message: (wait) => `This API key is sending messages too quickly. Try again in ${wait}.`,
      });
    }
    await enforce(c.env, limitKeys.chatByUser(principal.userId), rules.user, options);
  });
}

/**
 * Holds one of the user's concurrent-run slots for `runId` (a lease of RUN_SLOT_LEASE_MS, 15 minutes),
 * or throws 429. Release it with `releaseRunSlot` when the run ends — the ConversationAgent does.
 */
export async function acquireRunSlot(env: Env, userId: string, runId: string): Promise<void> {
  const { concurrentRuns, runLeaseMs } = chatLimits(env);
  const result = await askLimiter(
    env,
    runSlotKey(userId),
    (stub) => stub.acquire(runId, concurrentRuns, runLeaseMs),
    "open",
  );
  if (result && !result.allowed) {
    const wait = Math.min(result.retryAfterSeconds, RUN_SLOT_RETRY_HINT_SECONDS);
    throw new RateLimitedError(
      wait,
      `You already have ${concurrentRuns} replies being written. Wait for one to finish, or stop one, and try again.`,
    );
  }
}

/** Frees the run's slot; never throws (the lease expires by itself if this is lost). */
export function releaseRunSlot(env: Env, userId: string, runId: string): Promise<void> {
  return releaseSlot(env.RATE_LIMITER, userId, runId);
}

/**
 * Acquires a run slot, then starts the run with a fresh `runId`; frees the slot again if the run did not
 * start (it threw, or the conversation is busy). Once started, the ConversationAgent releases it at the end.
 * @example const result = await startWithRunSlot(c, c.var.userId, (runId) => stub.startRun({ runId, ... }));
 */
export function startWithRunSlot(
  c: Context<AppEnv>,
  userId: string,
  start: (runId: string) => Promise<StartRunResult>,
): Promise<StartRunResult> {
  return withRetryAfter(c, async () => {
    const runId = crypto.randomUUID();
    await acquireRunSlot(c.env, userId, runId);
    let result: StartRunResult;
    try {
      result = await start(runId);
    } catch (error) {
      await releaseRunSlot(c.env, userId, runId);
      throw error;
    }
    if (!result.ok) await releaseRunSlot(c.env, userId, runId);
    return result;
  });
}
