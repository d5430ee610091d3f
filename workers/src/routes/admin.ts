import { createRoute } from "@hono/zod-openapi";
import { orgMembers, refreshTokens, teamMembers, teams, users } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { AdminUser, ErrorCode } from "@switchboard/protocol";
import { and, asc, eq, inArray, notInArray } from "drizzle-orm";
import { z } from "zod";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { authorize } from "../auth/authorize.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonResponse } from "../http/openapi-shared.ts";

export const adminRoutes = createRouter();

/** Organizations the caller administers; admin pages only ever show these. */
function administeredOrgs(db: Database, userId: string) {
  return db
    .select({ orgId: orgMembers.orgId })
    .from(orgMembers)
    .where(and(eq(orgMembers.userId, userId), eq(orgMembers.role, "admin")));
}

async function requireAdmin(db: Database, userId: string): Promise<void> {
  const [admin] = await administeredOrgs(db, userId).limit(1);
  if (!admin) throw new ApiError(403, ErrorCode.forbidden, "Only organization admins can do this.");
}

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/users",
    tags: ["admin"],
    summary: "Users of the organizations you administer",
    security: bearerSecurity,
    middleware: [authorize("GET /admin/users", { resource: "admin", action: "read" })] as const,
    responses: {
      200: jsonResponse(z.object({ users: z.array(AdminUser) }), "Users"),
      403: errorResponses[401],
      ...errorResponses,
    },
  }),
  async (c) => {
    const db = c.var.db;
    await requireAdmin(db, c.var.userId);
    const rows = await db
      .selectDistinctOn([users.id], { user: users, role: orgMembers.role })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(inArray(orgMembers.orgId, administeredOrgs(db, c.var.userId)))
      .orderBy(asc(users.id), asc(orgMembers.role));
    const list = rows
      .map(({ user, role }) => ({
        id: user.id,
        email: user.email,
        name: user.name,
        role,
        disabled: user.disabledAt !== null,
        createdAt: user.createdAt.toISOString(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return c.json({ users: list }, 200);
  },
);

for (const [action, disable] of [
  ["disable", true],
  ["enable", false],
] as const) {
  adminRoutes.openapi(
    createRoute({
      method: "post",
      path: `/admin/users/{id}/${action}`,
      tags: ["admin"],
      summary: disable
        ? "Disable a user: their sessions and API keys stop working at once. Someone who also belongs to " +
          "organizations you do not administer is removed from yours instead"
        : "Enable a disabled user again",
      security: bearerSecurity,
      middleware: [
        authorize(`POST /admin/users/{id}/${action}`, { resource: "admin", action: "manage" }),
      ] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Done" }, 403: errorResponses[401], ...errorResponses },
    }),
    async (c) => {
      const db = c.var.db;
      const targetId = c.req.valid("param").id;
      await requireAdmin(db, c.var.userId);
      if (disable && targetId === c.var.userId) {
        throw new ApiError(409, ErrorCode.conflict, "You cannot disable yourself.");
      }
      const [target] = await db
        .select({ userId: orgMembers.userId })
        .from(orgMembers)
        .where(
          and(eq(orgMembers.userId, targetId), inArray(orgMembers.orgId, administeredOrgs(db, c.var.userId))),
        )
        .limit(1);
      if (!target) throw ApiError.notFound("User");
      // An account that also belongs to organizations the caller does not administer is not theirs to
      // lock: "disable" then removes it from the caller's organizations (and their teams) instead, so
      // adding someone to a team never gives its admin power over their whole account.
      const [elsewhere] = disable
        ? await db
            .select({ orgId: orgMembers.orgId })
            .from(orgMembers)
            .where(
              and(
                eq(orgMembers.userId, targetId),
                notInArray(orgMembers.orgId, administeredOrgs(db, c.var.userId)),
              ),
            )
            .limit(1)
        : [];
      if (elsewhere) {
        await db.batch([
          db.delete(teamMembers).where(
            and(
              eq(teamMembers.userId, targetId),
              inArray(
                teamMembers.teamId,
                db
                  .select({ id: teams.id })
                  .from(teams)
                  .where(inArray(teams.orgId, administeredOrgs(db, c.var.userId))),
              ),
            ),
          ),
          db
            .delete(orgMembers)
            .where(
              and(
                eq(orgMembers.userId, targetId),
                inArray(orgMembers.orgId, administeredOrgs(db, c.var.userId)),
              ),
            ),
        ]);
        void recordAudit(c, {
          action: AuditAction.userDisabled,
          outcome: "success",
          targetType: "user",
          targetId,
          details: { scope: "organization" },
        });
        return c.body(null, 204);
      }
      if (disable) {
        await db.batch([
          db
            .update(users)
            .set({ disabledAt: new Date(), tokensValidAfter: new Date() })
            .where(eq(users.id, targetId)),
          db.update(refreshTokens).set({ revokedAt: new Date() }).where(eq(refreshTokens.userId, targetId)),
        ]);
      } else {
        await db.update(users).set({ disabledAt: null }).where(eq(users.id, targetId));
      }
      void recordAudit(c, {
        action: disable ? AuditAction.userDisabled : AuditAction.userEnabled,
        outcome: "success",
        targetType: "user",
        targetId,
        details: { scope: "account" },
      });
      return c.body(null, 204);
    },
  );
}
