import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** `<repo>/.data/workspace-host`: the default when `WORKSPACE_HOST_DATA_DIR` is unset. */
export const defaultDataDir = fileURLToPath(new URL("../../.data/workspace-host", import.meta.url));

const Env = z.object({
  WORKSPACE_HOST_SECRET: z
    .string({ error: "is required (at least 32 characters, shared with the platform)" })
    .min(32, "must be at least 32 characters"),
  WORKSPACE_HOST_PORT: z.coerce.number().int().min(0).max(65535).default(8789),
  WORKSPACE_HOST_HOST: z.string().min(1).default("127.0.0.1"),
  WORKSPACE_HOST_DATA_DIR: z.string().min(1).default(defaultDataDir),
  WORKSPACE_HOST_ALLOWED_ORIGINS: z.string().default(""),
  WORKSPACE_HOST_IDLE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
});

export interface WorkspaceHostConfig {
  secret: string;
  port: number;
  host: string;
  dataDir: string;
  allowedOrigins: string[];
  idleMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads the workspace host's settings from the environment. Empty strings count as unset, so a blank line
 * in an env file fails with the same clear message as a missing variable.
 * @example const config = loadConfig(); // throws ConfigError naming every bad variable
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): WorkspaceHostConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "env"} ${i.message}`);
    throw new ConfigError(`workspace-host: invalid configuration\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    secret: e.WORKSPACE_HOST_SECRET,
    port: e.WORKSPACE_HOST_PORT,
    host: e.WORKSPACE_HOST_HOST,
    dataDir: path.resolve(e.WORKSPACE_HOST_DATA_DIR),
    allowedOrigins: parseOrigins(e.WORKSPACE_HOST_ALLOWED_ORIGINS),
    idleMs: e.WORKSPACE_HOST_IDLE_MS,
  };
}

/** Comma-separated exact origins (`https://app.example.com`); blanks are dropped. */
export function parseOrigins(list: string): string[] {
  return list
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}
