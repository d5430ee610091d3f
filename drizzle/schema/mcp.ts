import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { conversations } from "./conversations.ts";
import { credentials } from "./credentials.ts";
import { teams } from "./organizations.ts";
import { users } from "./users.ts";

/** A tool as cached from an MCP server's `tools/list`. */
export interface CachedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

/**
 * A connected MCP server: a catalog entry or a URL. Shared with a team when `team_id` is set. A server
 * connects with the credential its creator attached; members use it without ever seeing the secret.
 */
export const mcpServers = pgTable(
  "mcp_servers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    catalogId: text("catalog_id"),
    url: text("url"),
    transport: text("transport").notNull(),
    credentialId: uuid("credential_id").references(() => credentials.id, { onDelete: "set null" }),
    /** The last `tools/list` answer; agents are built from it without connecting (lazy loading). */
    toolsCache: jsonb("tools_cache").$type<CachedTool[]>(),
    toolsFetchedAt: timestamp("tools_fetched_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("mcp_servers_owner_idx").on(t.ownerId), index("mcp_servers_team_idx").on(t.teamId)],
);

/** Every tool call of every run: arguments with secrets masked, the result truncated. */
export const toolCalls = pgTable(
  "tool_calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    callId: text("call_id").notNull(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    runId: uuid("run_id").notNull(),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    serverId: uuid("server_id").references(() => mcpServers.id, { onDelete: "set null" }),
    serverName: text("server_name").notNull(),
    tool: text("tool").notNull(),
    arguments: jsonb("arguments"),
    result: text("result"),
    isError: boolean("is_error").notNull().default(false),
    errorCode: text("error_code"),
    durationMs: integer("duration_ms").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index("tool_calls_conversation_idx").on(t.conversationId, t.startedAt),
    index("tool_calls_run_idx").on(t.runId),
  ],
);
