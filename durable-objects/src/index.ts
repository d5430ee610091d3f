export { ConversationAgent } from "./conversation-agent.ts";
export { conversationStub } from "./conversation-stub.ts";
export type { ConversationEnv } from "./env.ts";
export {
  type LimitResult,
  limiterStub,
  RateLimiter,
  RUN_SLOT_LEASE_MS,
  releaseRunSlot,
  runSlotKey,
  type SlotResult,
  type TokenBucketRule,
  type WindowRule,
} from "./rate-limit/index.ts";
export type { ProviderSecret } from "./run/model-factory.ts";
export type { RunConfig, StartRunInput, StartRunResult } from "./run/run-config.ts";
