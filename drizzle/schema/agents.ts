import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { credentials } from "./credentials.ts";
import { teams } from "./organizations.ts";
import { users } from "./users.ts";

export const agents = pgTable(
  "agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Shared with this team when set; otherwise the owner's own. */
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    instructions: text("instructions").notNull().default(""),
    modelProvider: text("model_provider").notNull(),
    modelName: text("model_name").notNull(),
    credentialId: uuid("credential_id").references(() => credentials.id, { onDelete: "set null" }),
    /** MCP tool grants: `[{serverId, names?}]`, all of a server's tools when `names` is absent. */
    tools: jsonb("tools").$type<{ serverId: string; names?: string[] }[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("agents_owner_idx").on(t.ownerId), index("agents_team_idx").on(t.teamId)],
);
