/**
 * The one permission model. A route declares the (resource, action) it needs; whether the caller may
 * do it follows from their role in the resource's team (or ownership, for personal resources) and, for
 * API keys, from the key's scopes.
 */

export const Actions = ["read", "create", "update", "delete", "run", "manage"] as const;
export type Action = (typeof Actions)[number];

export const Resources = [
  "account",
  "agent",
  "conversation",
  "credential",
  "mcp_server",
  "team",
  "api_key",
  "audit",
  "admin",
] as const;
export type Resource = (typeof Resources)[number];

export const TeamRoles = ["team_lead", "member", "viewer"] as const;
export type TeamRole = (typeof TeamRoles)[number];

/** Roles as the API speaks them: `admin` is the organization-wide role. */
export const MemberRoles = ["admin", ...TeamRoles] as const;
export type MemberRole = (typeof MemberRoles)[number];

export const ApiKeyScopes = ["read", "chat", "manage"] as const;
export type ApiKeyScope = (typeof ApiKeyScopes)[number];

/** What each team role may do to the team's resources. Organization admins may do everything. */
export const teamRoleActions: Record<TeamRole, readonly Action[]> = {
  team_lead: ["read", "create", "update", "delete", "run", "manage"],
  member: ["read", "create", "update", "run"],
  viewer: ["read"],
};

/** What an API key's scopes allow, on top of (never beyond) its owner's roles. */
export const scopeActions: Record<ApiKeyScope, readonly Action[]> = {
  read: ["read"],
  chat: ["read", "run"],
  manage: Actions,
};

/** Team roles that may perform `action`. */
export function rolesAllowing(action: Action): TeamRole[] {
  return TeamRoles.filter((role) => teamRoleActions[role].includes(action));
}

export function scopesAllow(scopes: readonly ApiKeyScope[], action: Action): boolean {
  return scopes.some((scope) => scopeActions[scope].includes(action));
}

/** What a route needs; `public` routes (sign-in, the OpenAPI document) need nothing. */
export type Permission = { resource: Resource; action: Action } | { public: true };
