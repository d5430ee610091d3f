import type { CachedTool } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import {
  connectMcpServer,
  credentialSecrets,
  fetchToolList,
  isAuthorizationRequired,
  openCredentialFields,
  outboundFetch,
  storeCredentialFields,
} from "@switchboard/durable-objects/mcp";
import { ErrorCode, ToolErrorCode } from "@switchboard/protocol";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { type McpServerRow, toServerSpec } from "./server-access.ts";

const LIST_TIMEOUT_MS = 20_000;

/** The workspace host, when this deployment has one. */
export function workspaceHostOf(env: Env): { url: string; secret: string } | undefined {
  return env.WORKSPACE_HOST_URL && env.WORKSPACE_HOST_SECRET
    ? { url: env.WORKSPACE_HOST_URL, secret: env.WORKSPACE_HOST_SECRET }
    : undefined;
}

/**
 * Connects to a server as `userId`, lists its tools and disconnects. The credential is opened only
 * here, for this connection. Failures become a 502 that says what went wrong, without secrets.
 */
export async function listServerTools(
  db: Database,
  env: Env,
  userId: string,
  row: McpServerRow,
): Promise<CachedTool[]> {
  const secrets: string[] = [];
  try {
    const client = await withTimeout(
      connectMcpServer(toServerSpec(row), {
        userId,
        db,
        guardedFetch: outboundFetch(env),
        workspaceHost: workspaceHostOf(env),
        credentialFields: async () => {
          const fields = await openCredentialFields(db, env.CREDENTIALS_KEYS, row.credentialId);
          secrets.push(...credentialSecrets(fields));
          return fields;
        },
        saveCredentialFields: async (fields) => {
          if (!row.credentialId) return;
          secrets.push(...credentialSecrets(fields));
          await storeCredentialFields(db, env.CREDENTIALS_KEYS, row.credentialId, fields);
        },
      }),
    );
    try {
      return await withTimeout(fetchToolList(client));
    } finally {
      await client.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof Error && error.name === "UrlNotAllowedError") {
      throw new ApiError(400, ErrorCode.urlNotAllowed, error.message);
    }
    if (isAuthorizationRequired(error)) {
      // Not the caller's session (that would be a 401): the MCP server wants a grant the platform lacks.
      throw new ApiError(
        409,
        ToolErrorCode.authorizationRequired,
        `${row.name} needs authorization: connect this server with OAuth first (POST /mcp/servers/${row.id}/oauth/start).`,
        undefined,
        { cause: error },
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    const masked = secrets
      .filter((s) => s.length >= 4)
      .reduce((text, s) => text.split(s).join("••••"), reason);
    throw new ApiError(502, ErrorCode.badGateway, `Could not list the server's tools: ${masked}`, undefined, {
      cause: error,
    });
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${LIST_TIMEOUT_MS / 1000} s`)), LIST_TIMEOUT_MS),
    ),
  ]);
}
