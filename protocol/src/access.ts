import { z } from "zod";
import { Email, Id } from "./api.ts";

/** Roles in a team; `admin` is organization-wide (everything in the organization). */
export const MemberRole = z
  .enum(["admin", "team_lead", "member", "viewer"])
  .describe(
    "admin: everything in the organization; team_lead: manages the team; member: builds and chats; viewer: reads",
  );
export type MemberRole = z.infer<typeof MemberRole>;

export const CreateTeamBody = z.object({ name: z.string().trim().min(1).max(100) });
export type CreateTeamBody = z.infer<typeof CreateTeamBody>;

export const Team = z.object({
  id: Id,
  orgId: Id,
  name: z.string(),
  role: MemberRole.describe("The caller's role in this team"),
  createdAt: z.string(),
});
export type Team = z.infer<typeof Team>;

export const AddMemberBody = z.object({ email: Email, role: MemberRole });
export type AddMemberBody = z.infer<typeof AddMemberBody>;

export const UpdateMemberBody = z.object({ role: MemberRole });
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

export const TeamMember = z.object({
  userId: Id,
  email: z.string(),
  name: z.string(),
  role: MemberRole,
});
export type TeamMember = z.infer<typeof TeamMember>;

export const ApiKeyScope = z.enum(["read", "chat", "manage"]);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const CreateApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiKeyScope).min(1).max(3),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("When the key stops working (ISO 8601); never when absent"),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKey = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string().describe("The first characters of the key, to tell keys apart"),
  scopes: z.array(ApiKeyScope),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreatedApiKey = ApiKey.extend({
  key: z.string().describe("The key itself. Shown once: store it now; only its hash is kept."),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const AuditEntry = z.object({
  id: Id,
  at: z.string(),
  actorId: z.string().nullable(),
  actor: z.string().describe("The actor, masked"),
  teamId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  outcome: z.enum(["success", "failure"]),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AdminUser = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "member"]),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type AdminUser = z.infer<typeof AdminUser>;
