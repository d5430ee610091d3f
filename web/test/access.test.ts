import type { AdminUser, MemberRole, Team } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import {
  assignableRoles,
  canEditMember,
  canManageMembers,
  canManageServer,
  canToggleUser,
  isOrganizationAdmin,
  isReadOnlyRole,
  roleInTeam,
  roleLabel,
  serverManagingTeams,
  shareableTeams,
} from "../src/lib/access.ts";

const team = (id: string, role: MemberRole): Team => ({
  id,
  orgId: "00000000-0000-4000-8000-000000000000",
  name: `Team ${id}`,
  role,
  createdAt: "2026-01-01T00:00:00.000Z",
});

describe("member management visibility", () => {
  it("is for admins and team leads only", () => {
    expect(canManageMembers("admin")).toBe(true);
    expect(canManageMembers("team_lead")).toBe(true);
    expect(canManageMembers("member")).toBe(false);
    expect(canManageMembers("viewer")).toBe(false);
    expect(canManageMembers(undefined)).toBe(false);
  });

  it("lets only admins grant admin", () => {
    expect(assignableRoles("admin")).toEqual(["admin", "team_lead", "member", "viewer"]);
    expect(assignableRoles("team_lead")).toEqual(["team_lead", "member", "viewer"]);
    expect(assignableRoles("member")).toEqual([]);
    expect(assignableRoles("viewer")).toEqual([]);
  });

  it("keeps team leads' hands off admins", () => {
    expect(canEditMember("admin", "admin")).toBe(true);
    expect(canEditMember("team_lead", "admin")).toBe(false);
    expect(canEditMember("team_lead", "viewer")).toBe(true);
    expect(canEditMember("member", "viewer")).toBe(false);
    expect(canEditMember(undefined, "member")).toBe(false);
  });
});

describe("team roles elsewhere", () => {
  const teams = [team("a", "admin"), team("b", "team_lead"), team("c", "member"), team("d", "viewer")];

  it("offers every team but the viewer ones for sharing an agent", () => {
    expect(shareableTeams(teams).map((t) => t.id)).toEqual(["a", "b", "c"]);
  });

  it("finds the user's role in a resource's team", () => {
    expect(roleInTeam(teams, "d")).toBe("viewer");
    expect(roleInTeam(teams, null)).toBeUndefined();
    expect(roleInTeam(teams, "zzz")).toBeUndefined();
    expect(roleInTeam(undefined, "a")).toBeUndefined();
  });

  it("makes only viewers read-only", () => {
    expect(isReadOnlyRole("viewer")).toBe(true);
    expect(isReadOnlyRole("member")).toBe(false);
    expect(isReadOnlyRole(undefined)).toBe(false);
  });

  it("labels roles for people", () => {
    expect(roleLabel("team_lead")).toBe("Team lead");
    expect(roleLabel("something-new")).toBe("something-new");
  });
});

describe("organization admins", () => {
  it("are admins in any team, or whoever may load /admin/users", () => {
    expect(isOrganizationAdmin([team("a", "member"), team("b", "admin")])).toBe(true);
    expect(isOrganizationAdmin([team("a", "team_lead")])).toBe(false);
    expect(isOrganizationAdmin([], true)).toBe(true);
    expect(isOrganizationAdmin([], false)).toBe(false);
    expect(isOrganizationAdmin(undefined, undefined)).toBe(false);
  });

  it("cannot disable themselves", () => {
    const user: AdminUser = {
      id: "u1",
      email: "ada@example.com",
      name: "Ada",
      role: "admin",
      disabled: false,
      createdAt: "2026-01-01T00:00:00.000Z",
    };
    expect(canToggleUser(user, "u1")).toBe(false);
    expect(canToggleUser(user, "u2")).toBe(true);
  });
});

describe("MCP server management", () => {
  const teams = [team("a", "admin"), team("l", "team_lead"), team("m", "member"), team("v", "viewer")];

  it("offers admins' and team leads' teams for connecting servers", () => {
    expect(serverManagingTeams(teams).map((t) => t.id)).toEqual(["a", "l"]);
  });

  it("lets owners, team managers and organization admins disconnect a server", () => {
    expect(canManageServer({ teamId: null }, teams, false)).toBe(true);
    expect(canManageServer({ teamId: "l" }, teams, false)).toBe(true);
    expect(canManageServer({ teamId: "m" }, teams, false)).toBe(false);
    expect(canManageServer({ teamId: "v" }, teams, false)).toBe(false);
    expect(canManageServer({ teamId: "elsewhere" }, teams, true)).toBe(true);
  });
});
