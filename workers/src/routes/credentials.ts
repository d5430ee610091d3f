import { createRoute } from "@hono/zod-openapi";
import { credentials } from "@switchboard/db";
import { sealSecret } from "@switchboard/durable-objects/crypto";
import { CreateCredentialBody, Credential } from "@switchboard/protocol";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { authorize } from "../auth/authorize.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonBody, jsonResponse } from "../http/openapi-shared.ts";

export const credentialRoutes = createRouter();
// Credentials are always personal: only their owner may list, use or delete them.

const columns = {
  id: credentials.id,
  name: credentials.name,
  provider: credentials.provider,
  createdAt: credentials.createdAt,
};
type CredentialRow = { id: string; name: string; provider: string; createdAt: Date };
const toCredential = (row: CredentialRow) => ({
  ...row,
  provider: row.provider as Credential["provider"],
  createdAt: row.createdAt.toISOString(),
});

credentialRoutes.openapi(
  createRoute({
    method: "post",
    path: "/credentials",
    tags: ["credentials"],
    summary: "Store a provider key, encrypted at rest; it is never returned",
    security: bearerSecurity,
    middleware: [authorize("POST /credentials", { resource: "credential", action: "create" })] as const,
    request: jsonBody(CreateCredentialBody),
    responses: { 201: jsonResponse(Credential, "Stored"), ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const secretCiphertext = await sealSecret(c.env.CREDENTIALS_KEYS, body.secret);
    const [row] = await c.var.db
      .insert(credentials)
      .values({ ownerId: c.var.userId, name: body.name, provider: body.provider, secretCiphertext })
      .returning(columns);
    if (!row) throw new Error("insert returned no row");
    void recordAudit(c, {
      action: AuditAction.credentialAdded,
      outcome: "success",
      targetType: "credential",
      targetId: row.id,
      details: { name: row.name, provider: row.provider },
    });
    return c.json(toCredential(row), 201);
  },
);

credentialRoutes.openapi(
  createRoute({
    method: "get",
    path: "/credentials",
    tags: ["credentials"],
    summary: "Your stored credentials (names and providers only)",
    security: bearerSecurity,
    middleware: [authorize("GET /credentials", { resource: "credential", action: "read" })] as const,
    responses: {
      200: jsonResponse(z.object({ credentials: z.array(Credential) }), "Credentials"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const rows = await c.var.db
      .select(columns)
      .from(credentials)
      .where(eq(credentials.ownerId, c.var.userId))
      .orderBy(desc(credentials.createdAt));
    return c.json({ credentials: rows.map(toCredential) }, 200);
  },
);

credentialRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/credentials/{id}",
    tags: ["credentials"],
    summary: "Delete a credential",
    security: bearerSecurity,
    middleware: [
      authorize("DELETE /credentials/{id}", { resource: "credential", action: "delete" }),
    ] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await c.var.db
      .delete(credentials)
      .where(and(eq(credentials.id, id), eq(credentials.ownerId, c.var.userId)))
      .returning({ id: credentials.id });
    if (deleted.length === 0) throw ApiError.notFound("Credential");
    void recordAudit(c, {
      action: AuditAction.credentialDeleted,
      outcome: "success",
      targetType: "credential",
      targetId: id,
    });
    return c.body(null, 204);
  },
);
