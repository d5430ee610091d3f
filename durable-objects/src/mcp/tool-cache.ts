import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { type CachedTool, mcpServers } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { eq } from "drizzle-orm";

const MAX_PAGES = 20;

/** Every tool of a server, following `nextCursor`, in the shape the cache keeps. */
export async function fetchToolList(client: Client): Promise<CachedTool[]> {
  const tools: CachedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...result.tools.map(toCachedTool));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools;
}

export function toCachedTool(tool: Tool): CachedTool {
  return {
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    ...(tool.description ? { description: tool.description } : {}),
    inputSchema: tool.inputSchema as Record<string, unknown>,
  };
}

/** Stores a fresh tool list; agents built after this see it without connecting. */
export async function storeToolList(db: Database, serverId: string, tools: CachedTool[]): Promise<Date> {
  const fetchedAt = new Date();
  await db
    .update(mcpServers)
    .set({ toolsCache: tools, toolsFetchedAt: fetchedAt, updatedAt: fetchedAt })
    .where(eq(mcpServers.id, serverId));
  return fetchedAt;
}
