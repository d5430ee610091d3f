import type { RateLimiter } from "./rate-limit/rate-limiter.ts";

/** The bindings the conversation Durable Object reads (a subset of the worker's Env). */
export interface ConversationEnv extends Cloudflare.Env {
  DATABASE_URL: string;
  SQL_ENDPOINT?: string;
  DEMO_MODEL_URL?: string;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
}
