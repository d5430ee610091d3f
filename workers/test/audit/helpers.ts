import { env } from "cloudflare:test";
import { auditLog, organizations, orgMembers, teams, users } from "@switchboard/db";
import { createDatabase, type Database } from "@switchboard/db/client";
import { eq } from "drizzle-orm";
import type { Principal } from "../../src/auth/principal.ts";
import { createRouter } from "../../src/http/create-router.ts";
import { handleError } from "../../src/http/error-handler.ts";

export function testDb(): Database {
  return createDatabase({ databaseUrl: env.DATABASE_URL, sqlEndpoint: env.SQL_ENDPOINT });
}

/** A user inserted directly (no password, no session): enough to be an actor or an org member. */
export async function insertUser(db: Database, name = "user"): Promise<{ id: string; email: string }> {
  const email = `${name}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const [row] = await db
    .insert(users)
    .values({ email, name, passwordHash: "not-a-hash" })
    .returning({ id: users.id, email: users.email });
  if (!row) throw new Error("no user row");
  return row;
}

export async function insertOrganization(db: Database, name = "Org"): Promise<string> {
  const [row] = await db.insert(organizations).values({ name }).returning({ id: organizations.id });
  if (!row) throw new Error("no organization row");
  return row.id;
}

export async function addMember(db: Database, orgId: string, userId: string, role: "admin" | "member") {
  await db.insert(orgMembers).values({ orgId, userId, role });
}

export async function insertTeam(db: Database, orgId: string): Promise<string> {
  const [row] = await db.insert(teams).values({ orgId, name: "Team" }).returning({ id: teams.id });
  if (!row) throw new Error("no team row");
  return row.id;
}

/** An organization with an admin and a plain member. */
export async function seedOrganization(db: Database) {
  const orgId = await insertOrganization(db);
  const admin = await insertUser(db, "admin");
  const member = await insertUser(db, "member");
  await addMember(db, orgId, admin.id, "admin");
  await addMember(db, orgId, member.id, "member");
  return { orgId, admin, member };
}

/**
 * Audit rows inserted as they are stored (already masked). `at` is text so tests can use microseconds,
 * which a JS Date cannot carry.
 */
export async function insertEntries(
  db: Database,
  rows: {
    orgId: string | null;
    action: string;
    at: string;
    actorId?: string | null;
    actorLabel?: string;
    targetId?: string | null;
    details?: Record<string, unknown>;
    id?: string;
  }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const row of rows) {
    const id = row.id ?? crypto.randomUUID();
    ids.push(id);
    await db.sql.query(
      `INSERT INTO audit_log (id, org_id, actor_id, actor_label, action, target_id, outcome, details, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'success', $7::jsonb, $8::timestamptz)`,
      [
        id,
        row.orgId,
        row.actorId ?? null,
        row.actorLabel ?? "",
        row.action,
        row.targetId ?? null,
        JSON.stringify(row.details ?? {}),
        row.at,
      ],
    );
  }
  return ids;
}

/** Rows written for one target; tests use a fresh target id each, so other tests' rows never interfere. */
export async function auditRowsByTarget(db: Database, targetId: string) {
  return db.select().from(auditLog).where(eq(auditLog.targetId, targetId));
}

/** The header the test app reads the caller from, standing in for `identify`. */
export const TEST_USER = "X-Test-User";
export const TEST_API_KEY = "X-Test-Api-Key";

/**
 * A small app with the worker's error handling and a stand-in for `identify`: sets `db`, and `principal`
 * from `X-Test-User` (an API-key principal when `X-Test-Api-Key` is also sent). Routes are mounted by the test.
 */
export function testApp() {
  const app = createRouter();
  app.use("*", async (c, next) => {
    c.set("db", testDb());
    const userId = c.req.header(TEST_USER);
    if (userId) {
      const apiKeyId = c.req.header(TEST_API_KEY);
      const principal: Principal = apiKeyId
        ? { userId, via: "api_key", scopes: ["read"], apiKeyId }
        : { userId, via: "session", scopes: ["read", "chat", "manage"] };
      c.set("principal", principal);
      c.set("userId", userId);
    }
    await next();
  });
  app.onError(handleError);
  return app;
}
