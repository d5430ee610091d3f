import { createRoute } from "@hono/zod-openapi";
import { conversations, credentials, messages } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import type { RunConfig } from "@switchboard/durable-objects";
import { conversationStub } from "@switchboard/durable-objects";
import { openSecret } from "@switchboard/durable-objects/crypto";
import {
  Conversation,
  CreateConversationBody,
  ErrorCode,
  type Message,
  MessageList,
  type ModelRef,
  SendMessageBody,
  SendMessageResult,
} from "@switchboard/protocol";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { runAuditContext } from "../audit/run-audit-context.ts";
import { accessible, requireAccess, roleAllows, roleInTeam } from "../auth/access.ts";
import { authorize } from "../auth/authorize.ts";
import type { Action } from "../auth/permissions.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonBody, jsonResponse } from "../http/openapi-shared.ts";
import { resolveRunGrants } from "../mcp/tool-grants.ts";
import { limitChat, startWithRunSlot } from "../rate-limit/index.ts";
import { findAgent } from "./agents.ts";

export const conversationRoutes = createRouter();

type ConversationRow = typeof conversations.$inferSelect;
const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  agentId: row.agentId,
  teamId: row.teamId,
  title: row.title,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * Access is part of the query. A conversation the caller cannot see at all is a 404; one they can read
 * but not `action` (a viewer sending a message) is a 403, so the UI can say why.
 */
export async function findConversation(
  db: Database,
  userId: string,
  id: string,
  action: Action,
): Promise<ConversationRow> {
  const [found] = await db
    .select({ row: conversations, allowed: sql<boolean>`${accessible(db, userId, action, conversations)}` })
    .from(conversations)
    .where(and(eq(conversations.id, id), accessible(db, userId, "read", conversations)))
    .limit(1);
  return requireAccess(
    found,
    "Conversation",
    `Your role does not allow you to ${action} in this conversation.`,
  );
}

conversationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/conversations",
    tags: ["conversations"],
    summary: "Start a conversation with an agent (a team agent's conversations belong to its team)",
    security: bearerSecurity,
    middleware: [authorize("POST /conversations", { resource: "conversation", action: "run" })] as const,
    request: jsonBody(CreateConversationBody),
    responses: { 201: jsonResponse(Conversation, "Created"), ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const agent = await findAgent(c.var.db, c.var.userId, body.agentId, "read");
    if (agent.teamId && !roleAllows(await roleInTeam(c.var.db, c.var.userId, agent.teamId), "run")) {
      throw new ApiError(
        403,
        ErrorCode.forbidden,
        "Your role in this team does not allow starting conversations.",
      );
    }
    const [row] = await c.var.db
      .insert(conversations)
      .values({
        ownerId: c.var.userId,
        agentId: agent.id,
        teamId: agent.teamId,
        title: body.title || `Chat with ${agent.name}`,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    return c.json(toConversation(row), 201);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/conversations",
    tags: ["conversations"],
    summary: "The conversations you can see (yours and your teams'), most recent first",
    security: bearerSecurity,
    middleware: [authorize("GET /conversations", { resource: "conversation", action: "read" })] as const,
    responses: {
      200: jsonResponse(z.object({ conversations: z.array(Conversation) }), "Conversations"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const rows = await c.var.db
      .select()
      .from(conversations)
      .where(accessible(c.var.db, c.var.userId, "read", conversations))
      .orderBy(desc(conversations.updatedAt))
      .limit(200);
    return c.json({ conversations: rows.map(toConversation) }, 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/conversations/{id}",
    tags: ["conversations"],
    summary: "One conversation",
    security: bearerSecurity,
    middleware: [authorize("GET /conversations/{id}", { resource: "conversation", action: "read" })] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(Conversation, "The conversation"), ...errorResponses },
  }),
  async (c) =>
    c.json(
      toConversation(await findConversation(c.var.db, c.var.userId, c.req.valid("param").id, "read")),
      200,
    ),
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/conversations/{id}/messages",
    tags: ["conversations"],
    summary: "Completed messages, with the cursor to resume the live stream from",
    security: bearerSecurity,
    middleware: [
      authorize("GET /conversations/{id}/messages", { resource: "conversation", action: "read" }),
    ] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(MessageList, "Messages"), ...errorResponses },
  }),
  async (c) => {
    const conversation = await findConversation(c.var.db, c.var.userId, c.req.valid("param").id, "read");
    const rows = await c.var.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversation.id))
      .orderBy(asc(messages.seq));
    const list: Message[] = rows.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      seq: m.seq,
      createdAt: m.createdAt.toISOString(),
      ...(m.agentId ? { agentId: m.agentId } : {}),
      ...(m.runId ? { runId: m.runId } : {}),
    }));
    return c.json({ messages: list, cursor: rows.at(-1)?.seq ?? 0 }, 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/conversations/{id}/messages",
    tags: ["conversations"],
    summary: "Send a message; the reply streams on the conversation's live stream",
    security: bearerSecurity,
    middleware: [
      authorize("POST /conversations/{id}/messages", { resource: "conversation", action: "run" }),
    ] as const,
    request: { params: IdParam, ...jsonBody(SendMessageBody) },
    responses: {
      202: jsonResponse(SendMessageResult, "Stored; the run has started"),
      409: errorResponses[422],
      ...errorResponses,
    },
  }),
  async (c) => {
    await limitChat(c, c.var.principal);
    const conversation = await findConversation(c.var.db, c.var.userId, c.req.valid("param").id, "run");
    const { config, credentialId } = await resolveRunConfig(
      c.var.db,
      c.env,
      c.var.userId,
      conversation.agentId,
    );
    if (credentialId) {
      void recordAudit(c, {
        action: AuditAction.credentialUsed,
        outcome: "success",
        teamId: conversation.teamId,
        targetType: "credential",
        targetId: credentialId,
        details: { conversationId: conversation.id, provider: config.model.provider },
      });
    }
    const stub = await conversationStub(c.env.CONVERSATION, conversation.id);
    const result = await startWithRunSlot(c, c.var.userId, (runId) =>
      stub.startRun({
        runId,
        userId: c.var.userId,
        content: c.req.valid("json").content,
        config,
      }),
    );
    if (!result.ok) throw new ApiError(409, ErrorCode.runInProgress, result.message);
    return c.json({ runId: result.runId, messageId: result.messageId, seq: result.seq }, 202);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/conversations/{id}/cancel",
    tags: ["conversations"],
    summary: "Stop the running reply (the kill switch)",
    security: bearerSecurity,
    middleware: [
      authorize("POST /conversations/{id}/cancel", { resource: "conversation", action: "run" }),
    ] as const,
    request: { params: IdParam },
    responses: {
      202: jsonResponse(z.object({ cancelled: z.boolean() }), "Cancellation requested"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const conversation = await findConversation(c.var.db, c.var.userId, c.req.valid("param").id, "run");
    const stub = await conversationStub(c.env.CONVERSATION, conversation.id);
    return c.json({ cancelled: await stub.cancelRun() }, 202);
  },
);

/**
 * The agent and, for a real provider, a credential of the REQUESTING user decrypted for this run only:
 * the agent's own credential when it is theirs, else their newest credential for the provider. A team
 * member never runs on a teammate's key.
 */
async function resolveRunConfig(
  db: Database,
  env: Env,
  userId: string,
  agentId: string,
): Promise<{ config: RunConfig; credentialId?: string }> {
  const agent = await findAgent(db, userId, agentId, "read");
  const base = {
    agent: agentConfig(agent),
    tools: await resolveRunGrants(db, agent),
    audit: await runAuditContext(db, userId, agent.teamId),
  };
  const model: RunConfig["model"] = {
    provider: agent.modelProvider as ModelRef["provider"],
    name: agent.modelName,
  };
  if (model.provider !== "demo") {
    const [credential] = await db
      .select({ id: credentials.id, secretCiphertext: credentials.secretCiphertext })
      .from(credentials)
      .where(and(eq(credentials.ownerId, userId), eq(credentials.provider, model.provider)))
      .orderBy(
        sql`${credentials.id} = ${agent.credentialId ?? null} DESC NULLS LAST`,
        desc(credentials.createdAt),
      )
      .limit(1);
    if (credential) {
      model.secret = await openSecret(env.CREDENTIALS_KEYS, credential.secretCiphertext);
      return { config: { ...base, model }, credentialId: credential.id };
    }
  }
  return { config: { ...base, model } };
}

const agentConfig = (agent: { id: string; name: string; instructions: string }) => ({
  id: agent.id,
  name: agent.name,
  instructions: agent.instructions,
});
