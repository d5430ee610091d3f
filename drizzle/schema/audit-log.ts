import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Security-relevant actions. `details` is masked before it is written (emails partly, secrets, tokens,
 * card and phone numbers fully), so the log itself never holds personal data in clear.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id"),
    actorId: uuid("actor_id"),
    /** The actor as shown (masked email), kept even if the user is deleted. */
    actorLabel: text("actor_label").notNull().default(""),
    teamId: uuid("team_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    outcome: text("outcome", { enum: ["success", "failure"] }).notNull(),
    details: jsonb("details").notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_org_time_idx").on(t.orgId, t.createdAt),
    index("audit_log_actor_idx").on(t.actorId),
  ],
);
