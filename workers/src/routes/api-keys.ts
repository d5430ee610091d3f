import { createRoute } from "@hono/zod-openapi";
import { apiKeys } from "@switchboard/db";
import { ApiKey, CreateApiKeyBody, CreatedApiKey, ErrorCode } from "@switchboard/protocol";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { authorize } from "../auth/authorize.ts";
import { API_KEY_PREFIX } from "../auth/identify.ts";
import { type ApiKeyScope, scopeActions, scopesAllow } from "../auth/permissions.ts";
import { randomToken, sha256Hex } from "../crypto/opaque-token.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonBody, jsonResponse } from "../http/openapi-shared.ts";

export const apiKeyRoutes = createRouter();

/** Enough of the key to tell keys apart, far too little to guess the rest (it carries 256 random bits). */
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

type ApiKeyRow = typeof apiKeys.$inferSelect;
const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes as ApiKey["scopes"],
  expiresAt: row.expiresAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

apiKeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api-keys",
    tags: ["api keys"],
    summary: "Create an API key; the key is in this response only (just its hash is stored)",
    security: bearerSecurity,
    middleware: [authorize("POST /api-keys", { resource: "api_key", action: "create" })] as const,
    request: jsonBody(CreateApiKeyBody),
    responses: { 201: jsonResponse(CreatedApiKey, "Created"), ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    // A key may not mint keys with more power than it has itself.
    const caller = c.var.principal;
    const grants = (scope: ApiKeyScope) =>
      scopeActions[scope].every((action) => scopesAllow(caller?.scopes ?? [], action));
    if (caller?.via === "api_key" && !body.scopes.every(grants)) {
      throw new ApiError(
        403,
        ErrorCode.forbidden,
        "An API key cannot create a key with scopes it does not have.",
      );
    }
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new ApiError(422, ErrorCode.validationFailed, "expiresAt: must be in the future.");
    }
    const key = randomToken(API_KEY_PREFIX);
    const [row] = await c.var.db
      .insert(apiKeys)
      .values({
        userId: c.var.userId,
        name: body.name,
        prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
        keyHash: await sha256Hex(key),
        scopes: [...new Set(body.scopes)],
        expiresAt,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    void recordAudit(c, {
      action: AuditAction.apiKeyCreated,
      outcome: "success",
      targetType: "api_key",
      targetId: row.id,
      details: { name: row.name, prefix: row.prefix, scopes: row.scopes },
    });
    return c.json({ ...toApiKey(row), key }, 201);
  },
);

apiKeyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api-keys",
    tags: ["api keys"],
    summary: "Your API keys (prefix, scopes, last use; never the key)",
    security: bearerSecurity,
    middleware: [authorize("GET /api-keys", { resource: "api_key", action: "read" })] as const,
    responses: { 200: jsonResponse(z.object({ apiKeys: z.array(ApiKey) }), "Keys"), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.var.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.userId, c.var.userId))
      .orderBy(desc(apiKeys.createdAt));
    return c.json({ apiKeys: rows.map(toApiKey) }, 200);
  },
);

apiKeyRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api-keys/{id}",
    tags: ["api keys"],
    summary: "Revoke an API key; it stops working with the next request",
    security: bearerSecurity,
    middleware: [authorize("DELETE /api-keys/{id}", { resource: "api_key", action: "delete" })] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Revoked" }, ...errorResponses },
  }),
  async (c) => {
    const revoked = await c.var.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiKeys.id, c.req.valid("param").id),
          eq(apiKeys.userId, c.var.userId),
          isNull(apiKeys.revokedAt),
        ),
      )
      .returning({ id: apiKeys.id });
    if (revoked.length === 0) throw ApiError.notFound("API key");
    void recordAudit(c, {
      action: AuditAction.apiKeyRevoked,
      outcome: "success",
      targetType: "api_key",
      targetId: revoked[0]?.id,
    });
    return c.body(null, 204);
  },
);
