export { RateLimiter } from "./rate-limiter.ts";
export type { LimitResult, SlotResult, TokenBucketRule, WindowRule } from "./rules.ts";
export { limiterStub, RUN_SLOT_LEASE_MS, releaseRunSlot, runSlotKey } from "./run-slots.ts";
