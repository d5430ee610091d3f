/**
 * Who calls. Everyone but `outsider` and `anonymous` is in team T of admin A's organization; the three keys
 * are A's, so they act with A's (admin) rights, cut down to their scope.
 */
export const PRINCIPALS = [
  "admin",
  "team_lead",
  "member",
  "viewer",
  "outsider",
  "anonymous",
  "key_read",
  "key_chat",
  "key_manage",
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

/** The principals that are people with a session (the keys and the anonymous caller are not). */
export const PEOPLE = ["admin", "team_lead", "member", "viewer", "outsider"] as const;
export type Person = (typeof PEOPLE)[number];

export const KEY_SCOPE = { key_read: "read", key_chat: "chat", key_manage: "manage" } as const;
export type KeyPrincipal = keyof typeof KEY_SCOPE;

/**
 * Keys travel both ways the API accepts them, so the matrix covers both: `X-API-Key` for the read and
 * manage keys, `Authorization: Bearer` for the chat key.
 */
export const KEY_TRANSPORT: Record<KeyPrincipal, "x-api-key" | "bearer"> = {
  key_read: "x-api-key",
  key_chat: "bearer",
  key_manage: "x-api-key",
};

export function isPerson(name: PrincipalName): name is Person {
  return (PEOPLE as readonly string[]).includes(name);
}

export function isKey(name: PrincipalName): name is KeyPrincipal {
  return name in KEY_SCOPE;
}
