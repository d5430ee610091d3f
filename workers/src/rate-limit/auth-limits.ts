import type { Context } from "hono";
import type { AppEnv } from "../http/app-types.ts";
import { clientIp, emailHash, limitKeys } from "./keys.ts";
import { authLimits } from "./limits.ts";
import { enforce, RateLimitedError, withRetryAfter } from "./rate-limiter.ts";

/*
 * Sign-up and sign-in limits fail CLOSED (503) if the limiter cannot answer: they are the brute-force
 * defence (see OnLimiterFailure). Checks run one after another, so a request refused by its IP's limit
 * never spends the account's allowance — a single address cannot lock someone else's account out.
 */

/**
 * Before creating an account: per IP and per email, `RATE_REGISTER_PER_MINUTE` (5) each.
 * @example await limitRegister(c, body.email); // first line of POST /auth/register
 */
export function limitRegister(c: Context<AppEnv>, email: string): Promise<void> {
  return withRetryAfter(c, async () => {
    const rules = authLimits(c.env);
    const options = {
      onFailure: "closed",
      message: (wait: string) => `Too many sign-up attempts. Try again in ${wait}.`,
    } as const;
    await enforce(c.env, limitKeys.registerByIp(clientIp(c)), rules.register, options);
    await enforce(c.env, limitKeys.registerByAccount(await emailHash(email)), rules.register, options);
  });
}

/**
 * Before checking a password: attempts per IP and per account (`RATE_LOGIN_PER_MINUTE`, 10 each), then
 * the account's failure budget (`RATE_LOGIN_FAILURES_PER_HOUR`, 100), which is only read here —
 * `recordFailedLogin` spends it.
 * @example await limitLogin(c, body.email); // first line of POST /auth/login
 */
export function limitLogin(c: Context<AppEnv>, email: string): Promise<void> {
  return withRetryAfter(c, async () => {
    const rules = authLimits(c.env);
    const attempts = {
      onFailure: "closed",
      message: (wait: string) => `Too many sign-in attempts. Try again in ${wait}.`,
    } as const;
    const hash = await emailHash(email);
    await enforce(c.env, limitKeys.loginByIp(clientIp(c)), rules.login, attempts);
    await enforce(c.env, limitKeys.loginByAccount(hash), rules.login, attempts);
    // Same wording whether or not the account exists: failures are recorded for unknown emails too.
    await enforce(c.env, limitKeys.loginFailuresByAccount(hash), rules.loginFailures, {
      onFailure: "closed",
      checkOnly: true,
      message: (wait) => `Too many failed sign-in attempts for this account. Try again in ${wait}.`,
    });
  });
}

/**
 * After a wrong password, an unknown email or a disabled account — counted alike, so the budget reveals
 * nothing. Never throws: the caller answers 401 either way, and the next attempt is the one refused.
 * @example await recordFailedLogin(c, body.email); // just before `throw new ApiError(401, …)`
 */
export async function recordFailedLogin(c: Context<AppEnv>, email: string): Promise<void> {
  try {
    await enforce(
      c.env,
      limitKeys.loginFailuresByAccount(await emailHash(email)),
      authLimits(c.env).loginFailures,
      {
        onFailure: "open",
        message: (wait) => `Too many failed sign-in attempts for this account. Try again in ${wait}.`,
      },
    );
  } catch (error) {
    // Refused means the budget is already spent; the check in limitLogin refuses the next attempt.
    if (!(error instanceof RateLimitedError)) console.error("could not record a failed login", { error });
  }
}
