import { credentials } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { eq } from "drizzle-orm";
import { type McpSecret, openSecretRotating, sealSecret } from "../crypto/vault.ts";

/**
 * Replaces an MCP credential's fields, sealed under the newest vault key: how refreshed OAuth tokens are
 * kept (the whole credential is one Fernet token, so it is re-sealed, never patched).
 * @example await storeCredentialFields(db, env.CREDENTIALS_KEYS, spec.credentialId, nextFields);
 */
export async function storeCredentialFields(
  db: Database,
  keys: string,
  credentialId: string,
  fields: Record<string, string>,
): Promise<void> {
  const secretCiphertext = await sealSecret(keys, { fields });
  await db.update(credentials).set({ secretCiphertext }).where(eq(credentials.id, credentialId));
}

/**
 * Opens an MCP credential's fields at the moment a connection needs them; when an older vault key opened
 * it, the credential is re-sealed under the newest key first (key rotation completes as credentials are used).
 * @example const fields = await openCredentialFields(db, env.CREDENTIALS_KEYS, spec.credentialId);
 */
export async function openCredentialFields(
  db: Database,
  keys: string,
  credentialId: string | null,
): Promise<Record<string, string>> {
  if (!credentialId) return {};
  const [row] = await db
    .select({ token: credentials.secretCiphertext })
    .from(credentials)
    .where(eq(credentials.id, credentialId))
    .limit(1);
  if (!row) return {};
  const { secret, resealed } = await openSecretRotating<McpSecret>(keys, row.token);
  if (resealed)
    await db.update(credentials).set({ secretCiphertext: resealed }).where(eq(credentials.id, credentialId));
  return secret.fields ?? {};
}
