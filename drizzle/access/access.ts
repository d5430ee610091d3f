import { and, eq, inArray, isNull, or, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../client.ts";
import { orgMembers, teamMembers, teams } from "../schema/index.ts";
import { type Action, type MemberRole, rolesAllowing, type TeamRole } from "./permissions.ts";

/**
 * The condition a query adds so it only ever touches rows the user may `action`: their own personal
 * rows, rows of teams where their role allows it, and rows of teams in organizations they administer.
 * Ownership lives in the query, so there is no fetch-then-check window and another tenant's row is
 * indistinguishable from a missing one.
 */
export function accessible(
  db: Database,
  userId: string,
  action: Action,
  columns: { ownerId: PgColumn; teamId: PgColumn },
): SQL {
  const memberTeams = db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.userId, userId), inArray(teamMembers.role, rolesAllowing(action))));
  const administeredTeams = db
    .select({ id: teams.id })
    .from(teams)
    .innerJoin(orgMembers, eq(orgMembers.orgId, teams.orgId))
    .where(and(eq(orgMembers.userId, userId), eq(orgMembers.role, "admin")));
  return or(
    and(isNull(columns.teamId), eq(columns.ownerId, userId)),
    inArray(columns.teamId, memberTeams),
    inArray(columns.teamId, administeredTeams),
  ) as SQL;
}

/** The user's effective role in a team: `admin` if they administer its organization; null if none. */
export async function roleInTeam(db: Database, userId: string, teamId: string): Promise<MemberRole | null> {
  const [row] = await db
    .select({ teamRole: teamMembers.role, orgRole: orgMembers.role })
    .from(teams)
    .leftJoin(teamMembers, and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, userId)))
    .leftJoin(orgMembers, and(eq(orgMembers.orgId, teams.orgId), eq(orgMembers.userId, userId)))
    .where(eq(teams.id, teamId))
    .limit(1);
  if (!row) return null;
  if (row.orgRole === "admin") return "admin";
  return (row.teamRole as TeamRole | null) ?? null;
}

/** Whether a role may perform `action` on the team's resources. */
export function roleAllows(role: MemberRole | null, action: Action): boolean {
  if (!role) return false;
  if (role === "admin") return true;
  return rolesAllowing(action).includes(role);
}
