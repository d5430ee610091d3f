import { auditLog, orgMembers } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { decodeBase64Url, encodeBase64Url } from "@switchboard/durable-objects/crypto";
import { type AuditEntry, ErrorCode } from "@switchboard/protocol";
import { and, desc, eq, ilike, inArray, like, type SQL, sql } from "drizzle-orm";
import { ApiError } from "../http/api-error.ts";
import { maskEmail } from "./pii-mask.ts";

/** Filters shared by the list and the export; all optional. */
export interface AuditFilters {
  /** A user id, an email (compared masked) or the start of a masked label (`a***@e`). */
  actor?: string | undefined;
  /** An exact action, or a prefix ending in `*` (`auth.*`); `*` alone is everything. */
  action?: string | undefined;
  /** ISO 8601 date-times, inclusive at both ends. */
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Organizations the user administers, as a subquery. Only their entries are ever read, and the condition is
 * part of the query, so an entry of another organization cannot leak through a filter bug.
 * @example db.select().from(auditLog).where(inArray(auditLog.orgId, administeredOrganizations(db, userId)))
 */
export function administeredOrganizations(db: Database, userId: string) {
  return db
    .select({ orgId: orgMembers.orgId })
    .from(orgMembers)
    .where(and(eq(orgMembers.userId, userId), eq(orgMembers.role, "admin")));
}

/**
 * Throws 403 `forbidden` unless the user administers at least one organization.
 * @example await requireOrganizationAdmin(c.var.db, c.var.userId);
 */
export async function requireOrganizationAdmin(db: Database, userId: string): Promise<void> {
  const [admin] = await administeredOrganizations(db, userId).limit(1);
  if (!admin)
    throw new ApiError(403, ErrorCode.forbidden, "Only organization admins can read the audit log.");
}

/**
 * Reads one page of the audit log of the organizations `userId` administers, newest first, with keyset
 * pagination on (created_at, id): a page costs the same however deep it is, and rows written meanwhile
 * neither shift nor repeat entries.
 * @example const page = await readAuditPage(db, userId, { action: "auth.*" }, 50);
 */
export async function readAuditPage(
  db: Database,
  userId: string,
  filters: AuditFilters,
  limit: number,
): Promise<AuditPage> {
  const conditions: SQL[] = [inArray(auditLog.orgId, administeredOrganizations(db, userId))];
  conditions.push(...filterConditions(filters));
  const rows = await db
    .select({
      entry: auditLog,
      // Full microsecond precision: a JS Date keeps milliseconds, and a cursor rounded to them would skip
      // or repeat rows that share a millisecond.
      cursorTime: sql<string>`to_char(${auditLog.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const entries = page.map(({ entry }) => toAuditEntry(entry));
  return rows.length > limit && last
    ? { entries, nextCursor: encodeCursor(last.cursorTime, last.entry.id) }
    : { entries };
}

function filterConditions(filters: AuditFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.from && filters.to && Date.parse(filters.from) > Date.parse(filters.to)) {
    throw new ApiError(422, ErrorCode.validationFailed, "from: must not be after `to`.");
  }
  // Compared as text cast by PostgreSQL, which keeps sub-millisecond digits a JS Date would drop.
  if (filters.from) conditions.push(sql`${auditLog.createdAt} >= ${filters.from}::timestamptz`);
  if (filters.to) conditions.push(sql`${auditLog.createdAt} <= ${filters.to}::timestamptz`);
  if (filters.action && filters.action !== "*") {
    conditions.push(
      filters.action.endsWith("*")
        ? like(auditLog.action, `${escapeLike(filters.action.slice(0, -1))}%`)
        : eq(auditLog.action, filters.action),
    );
  }
  if (filters.actor) conditions.push(actorCondition(filters.actor));
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor);
    conditions.push(
      sql`(${auditLog.createdAt}, ${auditLog.id}) < (${cursor.time}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  return conditions;
}

/** Labels are stored masked, so an email is masked the same way and matched against them. */
function actorCondition(actor: string): SQL {
  if (UUID.test(actor)) return eq(auditLog.actorId, actor);
  const prefix = EMAIL.test(actor) && !actor.includes("*") ? maskEmail(actor) : actor;
  return ilike(auditLog.actorLabel, `${escapeLike(prefix)}%`);
}

/**
 * `%`, `_` and `\` are wildcards (and the escape) in LIKE; a filter means them literally.
 * @example like(auditLog.action, `${escapeLike("api_key.")}%`) // matches "api_key.created", not "apixkey.…"
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function encodeCursor(time: string, id: string): string {
  return encodeBase64Url(new TextEncoder().encode(`${time}|${id}`), { padding: false });
}

function decodeCursor(cursor: string): { time: string; id: string } {
  const bytes = decodeBase64Url(cursor, { padding: false });
  const [time = "", id = ""] = bytes ? new TextDecoder().decode(bytes).split("|") : [];
  if (!CURSOR_TIME.test(time) || !UUID.test(id)) {
    throw new ApiError(422, ErrorCode.validationFailed, "cursor: not a cursor from a previous page.");
  }
  return { time, id };
}

type AuditRow = typeof auditLog.$inferSelect;

/**
 * A stored row as the API shows it (the actor by its masked label).
 * @example const entries = rows.map(toAuditEntry);
 */
export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    actorId: row.actorId,
    actor: row.actorLabel,
    teamId: row.teamId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    outcome: row.outcome,
    details: (row.details ?? {}) as Record<string, unknown>,
  };
}
