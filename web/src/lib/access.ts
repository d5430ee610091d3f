import type { AdminUser, MemberRole, Team } from "@switchboard/protocol";

/** Every role, most powerful first (the order role pickers list them in). */
export const memberRoles: readonly MemberRole[] = ["admin", "team_lead", "member", "viewer"];

export const roleLabels: Record<MemberRole, string> = {
  admin: "Admin",
  team_lead: "Team lead",
  member: "Member",
  viewer: "Viewer",
};

export const roleDescriptions: Record<MemberRole, string> = {
  admin: "Everything in the organization",
  team_lead: "Manages the team and its members",
  member: "Builds agents and chats",
  viewer: "Reads the team's agents and chats",
};

export function roleLabel(role: string): string {
  return roleLabels[role as MemberRole] ?? role;
}

/** Admins and team leads manage a team's members; the others only see the list. */
export function canManageMembers(role: MemberRole | undefined): boolean {
  return role === "admin" || role === "team_lead";
}

/** Roles the caller may hand out: only an organization admin grants `admin`. */
export function assignableRoles(callerRole: MemberRole | undefined): MemberRole[] {
  if (callerRole === "admin") return [...memberRoles];
  if (callerRole === "team_lead") return memberRoles.filter((r) => r !== "admin");
  return [];
}

/** Whether the caller may change or remove a member: managers may, but only admins touch admins. */
export function canEditMember(callerRole: MemberRole | undefined, memberRole: MemberRole): boolean {
  if (!canManageMembers(callerRole)) return false;
  return callerRole === "admin" || memberRole !== "admin";
}

/** Teams an agent may be shared with: those where the user builds (viewers only read). */
export function shareableTeams(teams: readonly Team[]): Team[] {
  return teams.filter((t) => t.role === "admin" || t.role === "team_lead" || t.role === "member");
}

/** The user's role in a resource's team; undefined for personal resources or teams they are not in. */
export function roleInTeam(teams: readonly Team[] | undefined, teamId: string | null | undefined) {
  if (!teamId || !teams) return undefined;
  return teams.find((t) => t.id === teamId)?.role;
}

/** Viewers read team conversations but cannot send to them. */
export function isReadOnlyRole(role: MemberRole | undefined): boolean {
  return role === "viewer";
}

/**
 * Organization admins: `admin` in any team (GET /teams), or — for an admin whose organization has no
 * teams yet — whoever may load GET /admin/users (`adminProbe`: true/false, or undefined if not asked).
 */
export function isOrganizationAdmin(teams: readonly Team[] | undefined, adminProbe?: boolean): boolean {
  return (teams ?? []).some((t) => t.role === "admin") || adminProbe === true;
}

/** An admin cannot disable their own account (the server refuses), so the button is not offered. */
export function canToggleUser(user: AdminUser, currentUserId: string | undefined): boolean {
  return user.id !== currentUserId;
}

/**
 * Teams the user may connect MCP servers for: a team server carries its creator's credential and serves
 * every agent of the team, so connecting one is managing the team (admins and team leads).
 */
export function serverManagingTeams(teams: readonly Team[]): Team[] {
  return teams.filter((t) => canManageMembers(t.role));
}

/** Who may disconnect a server: its owner (personal servers are only listed to them) or the team's managers. */
export function canManageServer(
  server: { teamId: string | null },
  teams: readonly Team[] | undefined,
  isAdmin: boolean,
): boolean {
  if (!server.teamId || isAdmin) return true;
  return canManageMembers(roleInTeam(teams, server.teamId));
}
