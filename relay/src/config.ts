import { z } from "zod";

const postgresUrl = z
  .string({ error: "is required (a postgres:// connection string)" })
  .trim()
  .min(1, "is required (a postgres:// connection string)")
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL");

const Env = z.object({
  DATABASE_URL: postgresUrl,
  RELAY_SECRET: z
    .string({ error: "is required (at least 32 characters, shared with the API worker)" })
    .min(32, "must be at least 32 characters"),
  RELAY_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  RELAY_HOST: z.string().min(1).default("127.0.0.1"),
  RELAY_SQL_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  RELAY_SQL_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(5000),
});

export interface RelayConfig {
  databaseUrl: string;
  relaySecret: string;
  port: number;
  host: string;
  poolMax: number;
  acquireTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads the relay's settings from the environment. Empty strings count as unset, so a blank line in an
 * env file fails with the same clear message as a missing variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): RelayConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "env"} ${i.message}`);
    throw new ConfigError(`relay: invalid configuration\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    relaySecret: e.RELAY_SECRET,
    port: e.RELAY_PORT,
    host: e.RELAY_HOST,
    poolMax: e.RELAY_SQL_POOL_MAX,
    acquireTimeoutMs: e.RELAY_SQL_ACQUIRE_TIMEOUT_MS,
  };
}
