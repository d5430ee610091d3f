import { credentials } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { eq } from "drizzle-orm";
import { sealSecret } from "../crypto/vault.ts";

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
