import { createRoute } from "@hono/zod-openapi";
import { toolCalls } from "@switchboard/db";
import { ToolCallList, type ToolCallRecord } from "@switchboard/protocol";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonResponse } from "../http/openapi-shared.ts";
import { findConversation } from "./conversations.ts";

export const toolCallRoutes = createRouter();

const PAGE = 500;

toolCallRoutes.openapi(
  createRoute({
    method: "get",
    path: "/conversations/{id}/tool-calls",
    tags: ["conversations"],
    summary:
      "Every tool call of the conversation (or of one run): arguments with secrets masked, result, duration, error",
    security: bearerSecurity,
    middleware: [
      authorize("GET /conversations/{id}/tool-calls", { resource: "conversation", action: "read" }),
    ] as const,
    request: {
      params: IdParam,
      query: z.object({ runId: z.uuid().optional().describe("Only this run's calls") }),
    },
    responses: { 200: jsonResponse(ToolCallList, "Tool calls, oldest first"), ...errorResponses },
  }),
  async (c) => {
    const conversation = await findConversation(c.var.db, c.var.userId, c.req.valid("param").id, "read");
    const { runId } = c.req.valid("query");
    const rows = await c.var.db
      .select()
      .from(toolCalls)
      .where(
        and(eq(toolCalls.conversationId, conversation.id), runId ? eq(toolCalls.runId, runId) : undefined),
      )
      .orderBy(asc(toolCalls.startedAt))
      .limit(PAGE);
    const list: ToolCallRecord[] = rows.map((row) => ({
      callId: row.callId,
      runId: row.runId,
      agentId: row.agentId ?? "",
      serverId: row.serverId,
      serverName: row.serverName,
      tool: row.tool,
      arguments: row.arguments,
      result: row.result,
      isError: row.isError,
      errorCode: row.errorCode,
      durationMs: row.durationMs,
      startedAt: row.startedAt.toISOString(),
    }));
    return c.json({ toolCalls: list }, 200);
  },
);
