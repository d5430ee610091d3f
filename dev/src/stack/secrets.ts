import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export interface LocalSecrets {
  JWT_SECRET: string;
  CREDENTIALS_KEYS: string;
  RELAY_SECRET: string;
}

/**
 * Secrets for the local stack, generated once and kept in `.data/secrets.json` so sessions and stored
 * credentials survive restarts. Production sets them with `wrangler secret put`.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as LocalSecrets;
  const secrets: LocalSecrets = {
    JWT_SECRET: randomBytes(32).toString("base64url"),
    // A Fernet key is the url-safe base64 of 32 bytes, with padding.
    CREDENTIALS_KEYS: randomBytes(32).toString("base64").replace(/\+/g, "-").replace(/\//g, "_"),
    RELAY_SECRET: randomBytes(32).toString("base64url"),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** Writes an env file for `wrangler dev --env-file`. */
export async function writeEnvFile(file: string, values: Record<string, string>): Promise<void> {
  const body = Object.entries(values)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join("\n");
  await writeFile(file, `${body}\n`, { mode: 0o600 });
}
