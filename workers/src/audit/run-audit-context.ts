import type { Database } from "@switchboard/db/client";
import type { RunAuditContext } from "@switchboard/durable-objects/mcp";
import { AuditAction, resolveContext } from "./audit-log.ts";
import { maskEmail } from "./pii-mask.ts";

/**
 * The audit context of a run's tool calls, resolved once when the run starts: the Durable Object writes
 * one entry per call and must file them under the same organization the API would.
 */
export async function runAuditContext(
  db: Database,
  userId: string,
  teamId: string | null,
): Promise<RunAuditContext> {
  const context = await resolveContext(db, {
    action: AuditAction.toolCalled,
    outcome: "success",
    actorId: userId,
    teamId,
  });
  return {
    orgId: context.orgId,
    teamId,
    actorId: userId,
    actorLabel: context.actorEmail ? maskEmail(context.actorEmail) : "",
  };
}
