import { auditLog, toolCalls } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import type { ToolCallOutcome } from "./tool-invoker.ts";

/** Who a run acts for, resolved by the API worker so the audit entries land in the right organization. */
export interface RunAuditContext {
  orgId: string | null;
  teamId: string | null;
  actorId: string;
  /** The actor's masked email, as the audit log shows it. */
  actorLabel: string;
}

/**
 * Writes a tool call to `tool_calls` and the audit log in one statement batch. Arguments arrive masked;
 * the audit entry holds only what was called, how long it took and whether it failed.
 */
export async function writeToolCall(
  db: Database,
  context: { conversationId: string; runId: string; agentId: string; audit: RunAuditContext },
  call: ToolCallOutcome,
): Promise<void> {
  await db.batch([
    db.insert(toolCalls).values({
      callId: call.callId,
      conversationId: context.conversationId,
      runId: context.runId,
      agentId: context.agentId,
      serverId: call.serverId,
      serverName: call.serverName,
      tool: call.tool,
      arguments: call.arguments ?? null,
      result: call.result,
      isError: call.isError,
      errorCode: call.errorCode,
      durationMs: call.durationMs,
      startedAt: call.startedAt,
    }),
    db.insert(auditLog).values({
      orgId: context.audit.orgId,
      actorId: context.audit.actorId,
      actorLabel: context.audit.actorLabel,
      teamId: context.audit.teamId,
      action: "tool.called",
      targetType: "mcp_server",
      targetId: call.serverId,
      outcome: call.isError ? "failure" : "success",
      details: {
        server: call.serverName,
        tool: call.tool,
        conversationId: context.conversationId,
        runId: context.runId,
        durationMs: call.durationMs,
        ...(call.errorCode ? { errorCode: call.errorCode } : {}),
      },
    }),
  ]);
}
