import type { RateLimiter } from "./rate-limit/rate-limiter.ts";

/** The bindings the conversation Durable Object reads (a subset of the worker's Env). */
export interface ConversationEnv extends Cloudflare.Env {
  DATABASE_URL: string;
  SQL_ENDPOINT?: string;
  DEMO_MODEL_URL?: string;
  /** Fernet keys, newest first: MCP credentials are opened here, at the moment a tool needs them. */
  CREDENTIALS_KEYS: string;
  ALLOW_PRIVATE_NETWORKS?: string;
  /** DNS-over-HTTPS JSON endpoint used to check where MCP URLs resolve (default Cloudflare's). */
  DNS_RESOLVER_URL?: string;
  /** The workspace host (stdio MCP servers, team workspaces) and the secret its tokens are sealed with. */
  WORKSPACE_HOST_URL?: string;
  WORKSPACE_HOST_SECRET?: string;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
}
