import type { ConversationAgent, RateLimiter } from "@switchboard/durable-objects";

/** Every binding the worker reads, in one place. Secrets come from `wrangler secret` or `.dev.vars`. */
export interface Env {
  CONVERSATION: DurableObjectNamespace<ConversationAgent>;
  /** One object per rate-limit key (src/rate-limit/). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  ASSETS: Fetcher;
  /** PostgreSQL connection string. */
  DATABASE_URL: string;
  /** SQL-over-HTTP endpoint for self-hosted PostgreSQL (the relay's /sql); unset on Neon. */
  SQL_ENDPOINT?: string;
  /** HS256 key for access tokens, at least 32 bytes. */
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  /** Fernet keys for the credential vault, newest first, comma-separated. */
  CREDENTIALS_KEYS: string;
  /** Base URL of the relay (LISTEN/NOTIFY fan-out as SSE). */
  RELAY_URL: string;
  /** Shared secret the worker signs relay tokens with. */
  RELAY_SECRET: string;
  /** Base URL of the scripted demo model server; when unset the demo provider is unavailable. */
  DEMO_MODEL_URL?: string;
  /** Where user-supplied MCP URLs may point: unset/"false" deny private networks, "loopback", or "true". */
  ALLOW_PRIVATE_NETWORKS?: string;
  /** DNS-over-HTTPS JSON endpoint used to check where MCP URLs resolve (default Cloudflare's). */
  DNS_RESOLVER_URL?: string;
  /** The workspace host (stdio MCP servers, team workspaces) and the secret its tokens are sealed with. */
  WORKSPACE_HOST_URL?: string;
  WORKSPACE_HOST_SECRET?: string;
  /** Browser origins allowed to call the API (CORS): comma-separated exact origins. Unset: same-origin only. */
  CORS_ORIGINS?: string;
  // Rate limits, the deployment's plan: positive numbers; unset or invalid means the default in
  // src/rate-limit/limits.ts. Per-API-key chat limits default to the per-user ones.
  RATE_REGISTER_PER_MINUTE?: string;
  RATE_LOGIN_PER_MINUTE?: string;
  RATE_LOGIN_FAILURES_PER_HOUR?: string;
  RATE_CHAT_PER_MINUTE?: string;
  RATE_CHAT_BURST?: string;
  RATE_API_KEY_CHAT_PER_MINUTE?: string;
  RATE_API_KEY_CHAT_BURST?: string;
  RATE_CONCURRENT_RUNS?: string;
}

const REQUIRED_SECRETS = [
  "DATABASE_URL",
  "JWT_SECRET",
  "CREDENTIALS_KEYS",
  "RELAY_URL",
  "RELAY_SECRET",
] as const;

/** Names the missing secrets once, with a clear message, instead of failing deep inside a request. */
export function missingSecrets(env: Env): string[] {
  return REQUIRED_SECRETS.filter((name) => typeof env[name] !== "string" || env[name].length === 0);
}
