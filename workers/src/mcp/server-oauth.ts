import { credentials, mcpServers } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { type McpSecret, openSecretRotating, sealSecret } from "@switchboard/durable-objects/crypto";
import {
  openCredentialFields,
  readStoredOAuth,
  type StoredOAuth,
  storeCredentialFields,
  withStoredOAuth,
} from "@switchboard/durable-objects/mcp";
import { catalogEntry, ErrorCode } from "@switchboard/protocol";
import { eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import type { McpServerRow } from "./server-access.ts";

/** Where OAuth applies: a server reached by URL (custom or a remote catalog entry), never a local one. */
export interface OAuthTarget {
  url: string;
  transport: "streamable-http" | "sse";
}

/**
 * The URL and transport to authorize against, or a 422 for servers that run in-process or on the
 * workspace host (the platform reaches those with its own tokens; there is nothing to authorize).
 * @example const { url, transport } = oauthTarget(row);
 */
export function oauthTarget(row: McpServerRow): OAuthTarget {
  const entry = row.catalogId ? catalogEntry(row.catalogId) : undefined;
  const remote = !entry?.internal && entry?.runsOn !== "workspace-host";
  if (!remote || !row.url || (row.transport !== "streamable-http" && row.transport !== "sse")) {
    throw new ApiError(
      422,
      ErrorCode.validationFailed,
      `${row.name} is not a remote server: only servers reached by URL are connected with OAuth.`,
    );
  }
  return { url: row.url, transport: row.transport };
}

/**
 * The server's stored OAuth state, if its credential holds one for it. Starting an authorization reads
 * it for the scope the server last asked for (step-up), so the new grant covers it.
 */
export async function readServerOAuth(
  db: Database,
  env: Env,
  server: McpServerRow,
): Promise<StoredOAuth | undefined> {
  return readStoredOAuth(
    await openCredentialFields(db, env.CREDENTIALS_KEYS, server.credentialId),
    server.id,
  );
}

/**
 * Keeps the server's new OAuth state (registration and tokens) in the vault as the server's credential.
 * The user's own MCP credential already attached is updated in place (its other fields kept); a
 * credential of someone else's, possibly shared with other servers, is left alone: the tokens go into a
 * new credential of the user's, attached to the server instead. Returns its id and whether it is new.
 */
export async function storeServerOAuth(
  db: Database,
  keys: string,
  input: { server: McpServerRow; userId: string; stored: StoredOAuth },
): Promise<{ credentialId: string; created: boolean }> {
  const { server, userId, stored } = input;
  if (server.credentialId) {
    const [current] = await db
      .select({
        ownerId: credentials.ownerId,
        provider: credentials.provider,
        token: credentials.secretCiphertext,
      })
      .from(credentials)
      .where(eq(credentials.id, server.credentialId))
      .limit(1);
    if (current && current.ownerId === userId && current.provider === "mcp") {
      const { secret } = await openSecretRotating<McpSecret>(keys, current.token);
      const fields = withStoredOAuth(secret.fields ?? {}, server.id, stored);
      await storeCredentialFields(db, keys, server.credentialId, fields);
      return { credentialId: server.credentialId, created: false };
    }
  }
  const secretCiphertext = await sealSecret(keys, { fields: withStoredOAuth({}, server.id, stored) });
  const [created] = await db
    .insert(credentials)
    .values({ ownerId: userId, name: `${server.name} (OAuth)`, provider: "mcp", secretCiphertext })
    .returning({ id: credentials.id });
  if (!created) throw new Error("insert returned no row");
  await db
    .update(mcpServers)
    .set({ credentialId: created.id, updatedAt: new Date() })
    .where(eq(mcpServers.id, server.id));
  return { credentialId: created.id, created: true };
}
