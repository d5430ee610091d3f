import { sql } from "drizzle-orm";
import { customType, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { teams } from "./organizations.ts";
import { users } from "./users.ts";

/** PostgreSQL's `tsvector`; drizzle has no built-in column for it. Only ever read through SQL. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * A knowledge-base document, personal or shared with a team, searched with PostgreSQL full-text search
 * (no embeddings: pgvector is not available everywhere the platform runs). The title weighs more than
 * the body; the title is indexed with the `simple` configuration so names and codes stay searchable as
 * written, the body with `english` stemming.
 */
export const documents = pgTable(
  "documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Shared with this team when set; otherwise the owner's own. */
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    content: text("content").notNull(),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('english', content), 'B')`,
      ),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("documents_owner_idx").on(t.ownerId),
    index("documents_team_idx").on(t.teamId),
    index("documents_search_idx").using("gin", t.search),
  ],
);
