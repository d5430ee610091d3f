export { limitLogin, limitRegister, recordFailedLogin } from "./auth-limits.ts";
export { acquireRunSlot, limitChat, releaseRunSlot, startWithRunSlot } from "./chat-limits.ts";
export { clientIp, emailHash, limitKeys, normalizeIp } from "./keys.ts";
export { authLimits, chatLimits, DEFAULT_LIMITS } from "./limits.ts";
export { describeWait, enforce, RateLimitedError, withRetryAfter } from "./rate-limiter.ts";
