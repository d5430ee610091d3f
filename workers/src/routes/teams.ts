import { createRoute } from "@hono/zod-openapi";
import { orgMembers, teamMembers, teams, users } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import {
  AddMemberBody,
  CreateTeamBody,
  ErrorCode,
  type MemberRole,
  Team,
  TeamMember,
  UpdateMemberBody,
} from "@switchboard/protocol";
import { and, asc, eq, or, sql } from "drizzle-orm";
import { z } from "zod";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { roleAllows, roleInTeam } from "../auth/access.ts";
import { authorize } from "../auth/authorize.ts";
import type { TeamRole } from "../auth/permissions.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonBody, jsonResponse } from "../http/openapi-shared.ts";

export const teamRoutes = createRouter();

const MemberParams = z.object({
  id: z.uuid().describe("Team id"),
  userId: z.uuid().describe("Member's user id"),
});

/** Team management needs `manage` in the team; only an organization admin may hand out or take away `admin`. */
async function requireManager(db: Database, userId: string, teamId: string): Promise<MemberRole> {
  const role = await roleInTeam(db, userId, teamId);
  if (!role) throw ApiError.notFound("Team");
  if (!roleAllows(role, "manage")) {
    throw new ApiError(403, ErrorCode.forbidden, "Only team leads and organization admins manage members.");
  }
  return role;
}

function requireAdminFor(callerRole: MemberRole, ...roles: (MemberRole | null)[]): void {
  if (roles.includes("admin") && callerRole !== "admin") {
    throw new ApiError(
      403,
      ErrorCode.forbidden,
      "Only organization admins can grant or change the admin role.",
    );
  }
}

async function teamOrg(db: Database, teamId: string): Promise<string> {
  const [team] = await db.select({ orgId: teams.orgId }).from(teams).where(eq(teams.id, teamId)).limit(1);
  if (!team) throw ApiError.notFound("Team");
  return team.orgId;
}

/**
 * Writes a member's role: `admin` is the organization role (plus team lead in this team); the others are
 * team roles. Joining a team brings the user into its organization.
 */
async function writeRole(
  db: Database,
  orgId: string,
  teamId: string,
  userId: string,
  role: MemberRole,
): Promise<void> {
  const teamRole: TeamRole = role === "admin" ? "team_lead" : role;
  const orgMembership =
    role === "admin"
      ? db
          .insert(orgMembers)
          .values({ orgId, userId, role: "admin" })
          .onConflictDoUpdate({ target: [orgMembers.orgId, orgMembers.userId], set: { role: "admin" } })
      : // An existing organization role is kept; demoting an admin is explicit (demoteAdmin).
        db.insert(orgMembers).values({ orgId, userId, role: "member" }).onConflictDoNothing();
  await db.batch([
    orgMembership,
    db
      .insert(teamMembers)
      .values({ teamId, userId, role: teamRole })
      .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.userId], set: { role: teamRole } }),
  ]);
}

async function member(db: Database, teamId: string, userId: string): Promise<TeamMember | undefined> {
  const role = await roleInTeam(db, userId, teamId);
  if (!role) return undefined;
  const [user] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return user ? { userId, email: user.email, name: user.name, role } : undefined;
}

teamRoutes.openapi(
  createRoute({
    method: "post",
    path: "/teams",
    tags: ["teams"],
    summary: "Create a team in the organization you administer",
    security: bearerSecurity,
    middleware: [authorize("POST /teams", { resource: "team", action: "create" })] as const,
    request: jsonBody(CreateTeamBody),
    responses: { 201: jsonResponse(Team, "Created"), 403: errorResponses[401], ...errorResponses },
  }),
  async (c) => {
    const db = c.var.db;
    const [org] = await db
      .select({ orgId: orgMembers.orgId })
      .from(orgMembers)
      .where(and(eq(orgMembers.userId, c.var.userId), eq(orgMembers.role, "admin")))
      .orderBy(asc(orgMembers.createdAt))
      .limit(1);
    if (!org) throw new ApiError(403, ErrorCode.forbidden, "Only organization admins create teams.");
    const [team] = await db
      .insert(teams)
      .values({ orgId: org.orgId, name: c.req.valid("json").name })
      .returning();
    if (!team) throw new Error("insert returned no row");
    void recordAudit(c, {
      action: AuditAction.teamCreated,
      outcome: "success",
      orgId: team.orgId,
      teamId: team.id,
      targetType: "team",
      targetId: team.id,
      details: { name: team.name },
    });
    return c.json(
      {
        id: team.id,
        orgId: team.orgId,
        name: team.name,
        role: "admin" as const,
        createdAt: team.createdAt.toISOString(),
      },
      201,
    );
  },
);

teamRoutes.openapi(
  createRoute({
    method: "get",
    path: "/teams",
    tags: ["teams"],
    summary: "Your teams, with your role in each (admins see every team of their organizations)",
    security: bearerSecurity,
    middleware: [authorize("GET /teams", { resource: "team", action: "read" })] as const,
    responses: { 200: jsonResponse(z.object({ teams: z.array(Team) }), "Teams"), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.var.db
      .select({ team: teams, teamRole: teamMembers.role, orgRole: orgMembers.role })
      .from(teams)
      .leftJoin(teamMembers, and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, c.var.userId)))
      .leftJoin(orgMembers, and(eq(orgMembers.orgId, teams.orgId), eq(orgMembers.userId, c.var.userId)))
      .where(or(sql`${teamMembers.userId} IS NOT NULL`, eq(orgMembers.role, "admin")))
      .orderBy(asc(teams.name));
    const list = rows.map(({ team, teamRole, orgRole }) => ({
      id: team.id,
      orgId: team.orgId,
      name: team.name,
      role: (orgRole === "admin" ? "admin" : teamRole) as MemberRole,
      createdAt: team.createdAt.toISOString(),
    }));
    return c.json({ teams: list }, 200);
  },
);

teamRoutes.openapi(
  createRoute({
    method: "get",
    path: "/teams/{id}/members",
    tags: ["teams"],
    summary: "The team's members and their roles",
    security: bearerSecurity,
    middleware: [authorize("GET /teams/{id}/members", { resource: "team", action: "read" })] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(z.object({ members: z.array(TeamMember) }), "Members"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const db = c.var.db;
    const teamId = c.req.valid("param").id;
    if (!(await roleInTeam(db, c.var.userId, teamId))) throw ApiError.notFound("Team");
    const rows = await db
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        teamRole: teamMembers.role,
        orgRole: orgMembers.role,
      })
      .from(users)
      .innerJoin(teams, eq(teams.id, teamId))
      .leftJoin(teamMembers, and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, users.id)))
      .leftJoin(orgMembers, and(eq(orgMembers.orgId, teams.orgId), eq(orgMembers.userId, users.id)))
      .where(or(sql`${teamMembers.userId} IS NOT NULL`, eq(orgMembers.role, "admin")))
      .orderBy(asc(users.name));
    const members = rows.map((r) => ({
      userId: r.userId,
      email: r.email,
      name: r.name,
      role: (r.orgRole === "admin" ? "admin" : r.teamRole) as MemberRole,
    }));
    return c.json({ members }, 200);
  },
);

teamRoutes.openapi(
  createRoute({
    method: "post",
    path: "/teams/{id}/members",
    tags: ["teams"],
    summary: "Add a user (by the email of their account) to the team with a role",
    security: bearerSecurity,
    middleware: [authorize("POST /teams/{id}/members", { resource: "team", action: "manage" })] as const,
    request: { params: IdParam, ...jsonBody(AddMemberBody) },
    responses: { 201: jsonResponse(TeamMember, "Added"), 403: errorResponses[401], ...errorResponses },
  }),
  async (c) => {
    const db = c.var.db;
    const teamId = c.req.valid("param").id;
    const body = c.req.valid("json");
    const callerRole = await requireManager(db, c.var.userId, teamId);
    requireAdminFor(callerRole, body.role);
    const [invitee] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${body.email}`)
      .limit(1);
    if (!invitee)
      throw new ApiError(404, ErrorCode.notFound, "No account uses that email. Ask them to register first.");
    await writeRole(db, await teamOrg(db, teamId), teamId, invitee.id, body.role);
    const added = await member(db, teamId, invitee.id);
    if (!added) throw new Error("member vanished after insert");
    void recordAudit(c, {
      action: AuditAction.teamMemberAdded,
      outcome: "success",
      teamId,
      targetType: "user",
      targetId: invitee.id,
      details: { role: body.role, email: added.email },
    });
    return c.json(added, 201);
  },
);

teamRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/teams/{id}/members/{userId}",
    tags: ["teams"],
    summary: "Change a member's role",
    security: bearerSecurity,
    middleware: [
      authorize("PATCH /teams/{id}/members/{userId}", { resource: "team", action: "manage" }),
    ] as const,
    request: { params: MemberParams, ...jsonBody(UpdateMemberBody) },
    responses: { 200: jsonResponse(TeamMember, "Changed"), 403: errorResponses[401], ...errorResponses },
  }),
  async (c) => {
    const db = c.var.db;
    const { id: teamId, userId } = c.req.valid("param");
    const { role } = c.req.valid("json");
    const callerRole = await requireManager(db, c.var.userId, teamId);
    const current = await roleInTeam(db, userId, teamId);
    if (!current) throw ApiError.notFound("Member");
    requireAdminFor(callerRole, role, current);
    const orgId = await teamOrg(db, teamId);
    if (current === "admin" && role !== "admin") await demoteAdmin(db, orgId, userId);
    await writeRole(db, orgId, teamId, userId, role);
    const changed = await member(db, teamId, userId);
    if (!changed) throw ApiError.notFound("Member");
    void recordAudit(c, {
      action: AuditAction.teamRoleChanged,
      outcome: "success",
      teamId,
      targetType: "user",
      targetId: userId,
      details: { from: current, to: role },
    });
    return c.json(changed, 200);
  },
);

teamRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/teams/{id}/members/{userId}",
    tags: ["teams"],
    summary: "Remove a member; their access to the team's resources ends with their next request",
    security: bearerSecurity,
    middleware: [
      authorize("DELETE /teams/{id}/members/{userId}", { resource: "team", action: "manage" }),
    ] as const,
    request: { params: MemberParams },
    responses: { 204: { description: "Removed" }, 403: errorResponses[401], ...errorResponses },
  }),
  async (c) => {
    const db = c.var.db;
    const { id: teamId, userId } = c.req.valid("param");
    const callerRole = await requireManager(db, c.var.userId, teamId);
    const current = await roleInTeam(db, userId, teamId);
    if (!current) throw ApiError.notFound("Member");
    requireAdminFor(callerRole, current);
    if (current === "admin") await demoteAdmin(db, await teamOrg(db, teamId), userId);
    await db.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
    void recordAudit(c, {
      action: AuditAction.teamMemberRemoved,
      outcome: "success",
      teamId,
      targetType: "user",
      targetId: userId,
      details: { role: current },
    });
    return c.body(null, 204);
  },
);

/** An organization always keeps at least one admin. */
async function demoteAdmin(db: Database, orgId: string, userId: string): Promise<void> {
  const admins = await db
    .select({ userId: orgMembers.userId })
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.role, "admin")));
  if (admins.length <= 1) {
    throw new ApiError(
      409,
      ErrorCode.conflict,
      "An organization needs at least one admin; make someone else admin first.",
    );
  }
  await db
    .update(orgMembers)
    .set({ role: "member" })
    .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId)));
}
