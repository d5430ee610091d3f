import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export interface LocalSecrets {
  JWT_SECRET: string;
  CREDENTIALS_KEYS: string;
  RELAY_SECRET: string;
  /** Seals the bridge tokens the platform sends to the workspace host. */
  WORKSPACE_HOST_SECRET: string;
}

const generators: { [K in keyof LocalSecrets]: () => string } = {
  JWT_SECRET: () => randomBytes(32).toString("base64url"),
  // A Fernet key is the url-safe base64 of 32 bytes, with padding.
  CREDENTIALS_KEYS: () => randomBytes(32).toString("base64").replace(/\+/g, "-").replace(/\//g, "_"),
  RELAY_SECRET: () => randomBytes(32).toString("base64url"),
  WORKSPACE_HOST_SECRET: () => randomBytes(32).toString("base64url"),
};

/**
 * Secrets for the local stack, generated once and kept in `.data/secrets.json` so sessions and stored
 * credentials survive restarts. A file from before a secret existed gets the missing ones added (the others
 * are kept as they are). Production sets them with `wrangler secret put`.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, "secrets.json");
  const stored: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(await readFile(file, "utf8")) : {};
  const missing = (Object.keys(generators) as (keyof LocalSecrets)[]).filter((key) => !stored[key]);
  if (missing.length === 0) return stored as LocalSecrets;
  const secrets = { ...stored } as LocalSecrets;
  for (const key of missing) secrets[key] = generators[key]();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  // `mode` only applies when the file is created; a rewritten one is tightened too.
  await chmod(file, 0o600);
  return secrets;
}

/** Writes an env file for `wrangler dev --env-file`. */
export async function writeEnvFile(file: string, values: Record<string, string>): Promise<void> {
  const body = Object.entries(values)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join("\n");
  await writeFile(file, `${body}\n`, { mode: 0o600 });
}
