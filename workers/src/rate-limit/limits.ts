import type { TokenBucketRule, WindowRule } from "@switchboard/durable-objects";
import { RUN_SLOT_LEASE_MS } from "@switchboard/durable-objects";
import type { Env } from "../env.ts";

/** The defaults, i.e. the plan when no RATE_* variable is set. */
export const DEFAULT_LIMITS = {
  registerPerMinute: 5,
  loginPerMinute: 10,
  // OWASP ASVS: no more than 100 failed attempts per hour on a single account.
  loginFailuresPerHour: 100,
  chatPerMinute: 20,
  chatBurst: 10,
  concurrentRuns: 3,
} as const;

export interface AuthLimits {
  /** Per IP and, separately, per email. */
  register: WindowRule;
  /** Attempts, per IP and, separately, per account; counted whether or not the password is right. */
  login: WindowRule;
  /** Failed logins per account, counted apart from attempts. */
  loginFailures: WindowRule;
}

export interface ChatLimits {
  /** Messages (each starts a run) per user, whatever the credential. */
  user: TokenBucketRule;
  /** Messages per API key, on top of the user's bucket; the user's rule unless configured. */
  apiKey: TokenBucketRule;
  /** Runs one user may have going at once. */
  concurrentRuns: number;
  runLeaseMs: number;
}

/**
 * Sign-up and sign-in use exact rolling windows, not buckets: "5 per minute" then means at most 5 in any
 * minute, and a refused attempt does not extend the wait. Each window holds at most `limit` timestamps.
 */
export function authLimits(env: Env): AuthLimits {
  return {
    register: {
      limit: setting(env.RATE_REGISTER_PER_MINUTE, DEFAULT_LIMITS.registerPerMinute),
      windowSeconds: 60,
    },
    login: { limit: setting(env.RATE_LOGIN_PER_MINUTE, DEFAULT_LIMITS.loginPerMinute), windowSeconds: 60 },
    loginFailures: {
      limit: setting(env.RATE_LOGIN_FAILURES_PER_HOUR, DEFAULT_LIMITS.loginFailuresPerHour),
      windowSeconds: 3600,
    },
  };
}

/** Chat uses token buckets: a burst for a quick back-and-forth, then the sustained per-minute rate. */
export function chatLimits(env: Env): ChatLimits {
  const user = bucket(
    setting(env.RATE_CHAT_PER_MINUTE, DEFAULT_LIMITS.chatPerMinute),
    setting(env.RATE_CHAT_BURST, DEFAULT_LIMITS.chatBurst),
  );
  const apiKey = bucket(
    setting(env.RATE_API_KEY_CHAT_PER_MINUTE, user.refillPerSecond * 60),
    setting(env.RATE_API_KEY_CHAT_BURST, user.capacity),
  );
  return {
    user,
    apiKey,
    concurrentRuns: setting(env.RATE_CONCURRENT_RUNS, DEFAULT_LIMITS.concurrentRuns),
    runLeaseMs: RUN_SLOT_LEASE_MS,
  };
}

function bucket(perMinute: number, burst: number): TokenBucketRule {
  return { capacity: burst, refillPerSecond: perMinute / 60 };
}

/**
 * A positive integer from the environment, or the default. A typo must not disable a limit (NaN) or
 * lock everyone out (0), so anything else is reported and ignored.
 */
export function setting(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  console.warn("ignoring invalid rate-limit setting; using the default", { value: raw, default: fallback });
  return fallback;
}
