import type { ProviderSecret } from "../run/model-factory.ts";
import { MultiFernet, parseFernetKeys } from "./fernet.ts";

// Importing keys costs a few WebCrypto calls; one isolate always sees the same env, so cache by value.
let cached: { keys: string; fernet: Promise<MultiFernet> } | undefined;

function vault(keys: string): Promise<MultiFernet> {
  if (cached?.keys !== keys) cached = { keys, fernet: MultiFernet.fromKeys(parseFernetKeys(keys)) };
  return cached.fernet;
}

/**
 * The credential vault: provider secrets are Fernet tokens at rest; the keys live in the worker's
 * secret env (newest first), never in the database. Decrypted only to start a run.
 * @example const token = await sealSecret(env.CREDENTIALS_KEYS, { apiKey: "sk-..." });
 */
export async function sealSecret(keys: string, secret: ProviderSecret | McpSecret): Promise<string> {
  return (await vault(keys)).encrypt(JSON.stringify(secret));
}

export async function openSecret(keys: string, token: string): Promise<ProviderSecret> {
  return JSON.parse(await (await vault(keys)).decryptText(token)) as ProviderSecret;
}

/** An MCP credential: named fields (API keys, tokens) the catalog entry maps to env vars or headers. */
export interface McpSecret {
  fields: Record<string, string>;
}

/**
 * Opens a stored secret at the moment it is used. When an older key decrypted it, `resealed` holds the
 * token under the newest key for the caller to store, so key rotation completes as credentials are used.
 * @example const { secret, resealed } = await openSecretRotating(env.CREDENTIALS_KEYS, row.secretCiphertext);
 */
export async function openSecretRotating<T = ProviderSecret | McpSecret>(
  keys: string,
  token: string,
): Promise<{ secret: T; resealed?: string }> {
  const { plaintext, resealed } = await (await vault(keys)).decryptAndRotate(token);
  const secret = JSON.parse(
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(plaintext),
  ) as T;
  return resealed ? { secret, resealed } : { secret };
}
