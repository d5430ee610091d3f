import type { ProviderSecret } from "@switchboard/durable-objects";
import { MultiFernet, parseFernetKeys } from "../crypto/fernet.ts";

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
export async function sealSecret(keys: string, secret: ProviderSecret): Promise<string> {
  return (await vault(keys)).encrypt(JSON.stringify(secret));
}

export async function openSecret(keys: string, token: string): Promise<ProviderSecret> {
  return JSON.parse(await (await vault(keys)).decryptText(token)) as ProviderSecret;
}
