import { mcpServers } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import type { McpServerSpec } from "@switchboard/durable-objects/mcp";
import type { McpServer, McpTransport } from "@switchboard/protocol";
import { and, eq, sql } from "drizzle-orm";
import { accessible, requireAccess } from "../auth/access.ts";
import type { Action } from "../auth/permissions.ts";

export type McpServerRow = typeof mcpServers.$inferSelect;

export function toMcpServer(row: McpServerRow): McpServer {
  return {
    id: row.id,
    name: row.name,
    teamId: row.teamId,
    catalogId: row.catalogId,
    url: row.url,
    transport: row.transport as McpTransport,
    credentialId: row.credentialId,
    toolCount: row.toolsCache ? row.toolsCache.length : null,
    toolsFetchedAt: row.toolsFetchedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** How a run or the API reaches the server: no secret, only where the credential is. */
export function toServerSpec(row: McpServerRow): McpServerSpec {
  return {
    id: row.id,
    name: row.name,
    transport: row.transport as McpTransport,
    url: row.url,
    catalogId: row.catalogId,
    credentialId: row.credentialId,
    ownerKey: row.teamId ? `team:${row.teamId}` : `user:${row.ownerId}`,
  };
}

/** One server the caller can read: 404 if they cannot see it, 403 if they may not `action` it. */
export async function findServer(
  db: Database,
  userId: string,
  id: string,
  action: Action,
): Promise<McpServerRow> {
  const [found] = await db
    .select({ row: mcpServers, allowed: sql<boolean>`${accessible(db, userId, action, mcpServers)}` })
    .from(mcpServers)
    .where(and(eq(mcpServers.id, id), accessible(db, userId, "read", mcpServers)))
    .limit(1);
  return requireAccess(found, "MCP server", `Your role does not allow you to ${action} this MCP server.`);
}
