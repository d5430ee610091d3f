import { createRoute } from "@hono/zod-openapi";
import { agents, credentials } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { Agent, CreateAgentBody, ErrorCode, type ModelRef, UpdateAgentBody } from "@switchboard/protocol";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { accessible, requireAccess, roleAllows, roleInTeam } from "../auth/access.ts";
import { authorize } from "../auth/authorize.ts";
import type { Action } from "../auth/permissions.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonBody, jsonResponse } from "../http/openapi-shared.ts";
import { checkToolGrants } from "../mcp/tool-grants.ts";

export const agentRoutes = createRouter();

type AgentRow = typeof agents.$inferSelect;

export function toAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    instructions: row.instructions,
    model: {
      provider: row.modelProvider as ModelRef["provider"],
      name: row.modelName,
      ...(row.credentialId ? { credentialId: row.credentialId } : {}),
    },
    tools: row.tools,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A credential may only be attached if it is the caller's and is for the model's provider. */
async function checkModel(db: Database, userId: string, model: ModelRef): Promise<void> {
  if (model.provider === "demo") return;
  if (!model.credentialId) {
    throw new ApiError(
      422,
      ErrorCode.validationFailed,
      `model.credentialId: the ${model.provider} provider needs a credential.`,
    );
  }
  const [credential] = await db
    .select({ provider: credentials.provider })
    .from(credentials)
    .where(and(eq(credentials.id, model.credentialId), eq(credentials.ownerId, userId)))
    .limit(1);
  if (!credential)
    throw new ApiError(422, ErrorCode.validationFailed, "model.credentialId: no such credential.");
  if (credential.provider !== model.provider) {
    throw new ApiError(
      422,
      ErrorCode.validationFailed,
      `model.credentialId: that credential is for ${credential.provider}, not ${model.provider}.`,
    );
  }
}

agentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/agents",
    tags: ["agents"],
    summary: "Create an agent (yours alone, or shared with a team you may build in)",
    security: bearerSecurity,
    middleware: [authorize("POST /agents", { resource: "agent", action: "create" })] as const,
    request: jsonBody(CreateAgentBody),
    responses: { 201: jsonResponse(Agent, "Created"), ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    if (body.teamId) {
      const role = await roleInTeam(c.var.db, c.var.userId, body.teamId);
      if (!role) throw ApiError.notFound("Team");
      if (!roleAllows(role, "create")) {
        throw new ApiError(
          403,
          ErrorCode.forbidden,
          "Your role in this team does not allow creating agents.",
        );
      }
    }
    await checkModel(c.var.db, c.var.userId, body.model);
    await checkToolGrants(c.var.db, { ownerId: c.var.userId, teamId: body.teamId ?? null }, body.tools);
    const [row] = await c.var.db
      .insert(agents)
      .values({
        ownerId: c.var.userId,
        teamId: body.teamId ?? null,
        name: body.name,
        instructions: body.instructions,
        modelProvider: body.model.provider,
        modelName: body.model.name,
        credentialId: body.model.provider === "demo" ? null : (body.model.credentialId ?? null),
        tools: body.tools,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    void recordAudit(c, {
      action: AuditAction.agentCreated,
      outcome: "success",
      teamId: row.teamId,
      targetType: "agent",
      targetId: row.id,
      details: { name: row.name, provider: row.modelProvider, model: row.modelName },
    });
    return c.json(toAgent(row), 201);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/agents",
    tags: ["agents"],
    summary: "The agents you can see: yours and your teams'",
    security: bearerSecurity,
    middleware: [authorize("GET /agents", { resource: "agent", action: "read" })] as const,
    responses: { 200: jsonResponse(z.object({ agents: z.array(Agent) }), "Agents"), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.var.db
      .select()
      .from(agents)
      .where(accessible(c.var.db, c.var.userId, "read", agents))
      .orderBy(desc(agents.updatedAt));
    return c.json({ agents: rows.map(toAgent) }, 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/agents/{id}",
    tags: ["agents"],
    summary: "One agent",
    security: bearerSecurity,
    middleware: [authorize("GET /agents/{id}", { resource: "agent", action: "read" })] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(Agent, "The agent"), ...errorResponses },
  }),
  async (c) => {
    const row = await findAgent(c.var.db, c.var.userId, c.req.valid("param").id, "read");
    return c.json(toAgent(row), 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/agents/{id}",
    tags: ["agents"],
    summary: "Change an agent",
    security: bearerSecurity,
    middleware: [authorize("PATCH /agents/{id}", { resource: "agent", action: "update" })] as const,
    request: { params: IdParam, ...jsonBody(UpdateAgentBody) },
    responses: { 200: jsonResponse(Agent, "Updated"), ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const current = await findAgent(c.var.db, c.var.userId, id, "update");
    if (body.model) await checkModel(c.var.db, c.var.userId, body.model);
    if (body.tools) await checkToolGrants(c.var.db, current, body.tools);
    const [row] = await c.var.db
      .update(agents)
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.instructions !== undefined ? { instructions: body.instructions } : {}),
        ...(body.model
          ? {
              modelProvider: body.model.provider,
              modelName: body.model.name,
              credentialId: body.model.provider === "demo" ? null : (body.model.credentialId ?? null),
            }
          : {}),
        ...(body.tools ? { tools: body.tools } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(agents.id, id), accessible(c.var.db, c.var.userId, "update", agents)))
      .returning();
    if (!row) throw ApiError.notFound("Agent");
    void recordAudit(c, {
      action: AuditAction.agentUpdated,
      outcome: "success",
      teamId: row.teamId,
      targetType: "agent",
      targetId: row.id,
      details: { changed: Object.keys(body) },
    });
    return c.json(toAgent(row), 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/agents/{id}",
    tags: ["agents"],
    summary: "Delete an agent (and its conversations)",
    security: bearerSecurity,
    middleware: [authorize("DELETE /agents/{id}", { resource: "agent", action: "delete" })] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...errorResponses },
  }),
  async (c) => {
    await findAgent(c.var.db, c.var.userId, c.req.valid("param").id, "delete");
    const deleted = await c.var.db
      .delete(agents)
      .where(
        and(eq(agents.id, c.req.valid("param").id), accessible(c.var.db, c.var.userId, "delete", agents)),
      )
      .returning({ id: agents.id, teamId: agents.teamId });
    if (deleted.length === 0) throw ApiError.notFound("Agent");
    void recordAudit(c, {
      action: AuditAction.agentDeleted,
      outcome: "success",
      targetType: "agent",
      targetId: deleted[0]?.id,
    });
    return c.body(null, 204);
  },
);

/**
 * Access is part of the query. An agent the caller cannot see at all is a 404; one they can read but not
 * `action` (a viewer editing a team agent) is a 403, so the UI can say why.
 */
export async function findAgent(db: Database, userId: string, id: string, action: Action): Promise<AgentRow> {
  // One query: the row if the caller can read it, and whether they may `action` it.
  const [found] = await db
    .select({ row: agents, allowed: sql<boolean>`${accessible(db, userId, action, agents)}` })
    .from(agents)
    .where(and(eq(agents.id, id), accessible(db, userId, "read", agents)))
    .limit(1);
  return requireAccess(found, "Agent", `Your role does not allow you to ${action} this agent.`);
}
