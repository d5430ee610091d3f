import { auditLog, orgMembers, teams, users } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-types.ts";
import { maskEmail, maskPii, maskString } from "./pii-mask.ts";

/**
 * Every audited action, by name. Names are `<subject>.<verb>` so a prefix filter (`auth.*`) selects a
 * subject. Add new ones here rather than passing ad-hoc strings, so the log stays queryable.
 * @example recordAudit(c, { action: AuditAction.apiKeyCreated, outcome: "success", targetType: "api_key", targetId: row.id })
 */
export const AuditAction = {
  authLogin: "auth.login",
  authLoginFailed: "auth.login_failed",
  authRegister: "auth.register",
  authLogout: "auth.logout",
  authPasswordChanged: "auth.password_changed",
  apiKeyCreated: "api_key.created",
  apiKeyRevoked: "api_key.revoked",
  teamCreated: "team.created",
  teamMemberAdded: "team.member_added",
  teamRoleChanged: "team.role_changed",
  teamMemberRemoved: "team.member_removed",
  userDisabled: "user.disabled",
  userEnabled: "user.enabled",
  credentialAdded: "credential.added",
  credentialDeleted: "credential.deleted",
  credentialUsed: "credential.used",
  agentCreated: "agent.created",
  mcpServerAdded: "mcp_server.added",
  mcpServerRemoved: "mcp_server.removed",
  mcpServerRefused: "mcp_server.refused",
  mcpOAuthStarted: "mcp_server.oauth_started",
  mcpOAuthCompleted: "mcp_server.oauth_completed",
  mcpOAuthFailed: "mcp_server.oauth_failed",
  agentUpdated: "agent.updated",
  agentDeleted: "agent.deleted",
  toolCalled: "tool.called",
  workspaceCommand: "workspace.command",
} as const;
export type AuditActionName = (typeof AuditAction)[keyof typeof AuditAction];

/** What a caller tells the log; everything else (IP, actor, organization) is worked out. */
export interface AuditInput {
  action: AuditActionName;
  outcome: "success" | "failure";
  /** The organization whose admins may read the entry. Resolved from the team or the actor when absent. */
  orgId?: string | null;
  teamId?: string | null;
  targetType?: string;
  targetId?: string;
  /** Free-form context; masked before it is written. Never put request bodies here unfiltered. */
  details?: Record<string, unknown>;
  /** The acting user; defaults to the request's principal. Pass `null` for "nobody" (e.g. unknown email). */
  actorId?: string | null;
  /** The actor's email, stored masked; looked up from `actorId` when absent. */
  actorEmail?: string;
}

/** An entry outside a request (Durable Objects): the caller supplies the IP, if any. */
export interface AuditRecord extends AuditInput {
  ip?: string | null;
}

/** The parts of a Hono context the log reads, so any route's typed context fits. */
export type AuditContext = Pick<Context<AppEnv>, "var" | "executionCtx"> & {
  req: { header(name: string): string | undefined };
};

/**
 * Records an audit entry for the current request without delaying or failing it: the write runs in the
 * background (kept alive with `waitUntil`), and errors are logged, never thrown. The returned promise
 * resolves to whether the row was written; awaiting it is optional.
 * @example recordAudit(c, { action: AuditAction.authLogin, outcome: "success", actorId: user.id, actorEmail: user.email });
 */
export function recordAudit(c: AuditContext, entry: AuditInput): Promise<boolean> {
  const principal = c.var.principal;
  const actorFromPrincipal = entry.actorId === undefined ? principal : undefined;
  const record: AuditRecord = {
    ...entry,
    actorId: entry.actorId === undefined ? (principal?.userId ?? null) : entry.actorId,
    // Cloudflare sets this header itself and overwrites a client's; X-Forwarded-For could be forged.
    ip: c.req.header("CF-Connecting-IP") ?? null,
    // Which key acted matters when a key leaks, so API-key calls name it.
    details:
      actorFromPrincipal?.via === "api_key"
        ? { ...entry.details, apiKeyId: actorFromPrincipal.apiKeyId }
        : entry.details,
  };
  const work = writeAudit(c.var.db, record);
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (e.g. `app.request` without one): the write still runs, just unsupervised.
  }
  return work;
}

/**
 * Writes one audit row outside a Hono request (Durable Objects, queues). Masks details, target id and the
 * actor label; resolves the organization from the team, else from the actor's only organization. Never
 * throws: a lost audit row is logged, and must not fail the action it describes.
 * @example await writeAudit(db, { action: AuditAction.toolCalled, outcome: "success", actorId, teamId, details: { tool: "search" } });
 */
export async function writeAudit(db: Database, record: AuditRecord): Promise<boolean> {
  try {
    const context = await resolveContext(db, record);
    await db.insert(auditLog).values({
      orgId: context.orgId,
      actorId: record.actorId ?? null,
      actorLabel: context.actorEmail ? maskEmail(context.actorEmail) : "",
      teamId: record.teamId ?? null,
      action: record.action,
      targetType: record.targetType ?? null,
      targetId: record.targetId === undefined ? null : maskString(record.targetId),
      ip: record.ip ?? null,
      outcome: record.outcome,
      details: maskPii(record.details ?? {}) as Record<string, unknown>,
    });
    return true;
  } catch (error) {
    console.error("audit log write failed", { action: record.action, outcome: record.outcome, error });
    return false;
  }
}

/** Fills in the organization and the actor's email; a failed lookup leaves them empty rather than losing the row. */
export async function resolveContext(
  db: Database,
  record: AuditRecord,
): Promise<{ orgId: string | null; actorEmail: string | undefined }> {
  let orgId = record.orgId;
  let actorEmail = record.actorEmail;
  const actorId = record.actorId ?? null;
  try {
    if (orgId === undefined && record.teamId) {
      const [team] = await db
        .select({ orgId: teams.orgId })
        .from(teams)
        .where(eq(teams.id, record.teamId))
        .limit(1);
      orgId = team?.orgId;
    }
    if (actorId && (orgId === undefined || actorEmail === undefined)) {
      const rows = await db
        .select({ email: users.email, orgId: orgMembers.orgId })
        .from(users)
        .leftJoin(orgMembers, eq(orgMembers.userId, users.id))
        .where(eq(users.id, actorId));
      actorEmail ??= rows[0]?.email;
      if (orgId === undefined) orgId = onlyOrganization(rows, record);
    }
  } catch (error) {
    console.error("audit log lookup failed", { action: record.action, error });
  }
  return { orgId: orgId ?? null, actorEmail };
}

/**
 * Guessing between several organizations could show one organization's entry to another's admins, so an
 * ambiguous actor gets no organization (and a warning telling the caller to pass `orgId`).
 */
function onlyOrganization(rows: { orgId: string | null }[], record: AuditRecord): string | null {
  const orgIds = [...new Set(rows.map((row) => row.orgId).filter((id) => id !== null))];
  if (orgIds.length > 1) {
    console.warn("audit entry has no organization: the actor belongs to several; pass orgId", {
      action: record.action,
    });
  }
  return orgIds.length === 1 ? (orgIds[0] ?? null) : null;
}
