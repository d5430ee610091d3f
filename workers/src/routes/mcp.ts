import { createRoute } from "@hono/zod-openapi";
import { credentials, mcpServers } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { sealSecret } from "@switchboard/durable-objects/crypto";
import {
  checkUrl,
  createDohResolver,
  parsePrivateNetworkPolicy,
  storeToolList,
} from "@switchboard/durable-objects/mcp";
import {
  type CatalogDefinition,
  CreateMcpServerBody,
  catalogEntry,
  ErrorCode,
  MCP_CATALOG,
  McpCatalog,
  McpServer,
  McpServerCreated,
  McpToolList,
  publicCatalogEntry,
} from "@switchboard/protocol";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { AuditContext } from "../audit/audit-log.ts";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { accessible, roleAllows, roleInTeam } from "../auth/access.ts";
import { authorize } from "../auth/authorize.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonBody, jsonResponse } from "../http/openapi-shared.ts";
import { listServerTools } from "../mcp/list-tools.ts";
import { findServer, toMcpServer } from "../mcp/server-access.ts";

export const mcpRoutes = createRouter();

const DEFAULT_DNS_RESOLVER = "https://cloudflare-dns.com/dns-query";

mcpRoutes.openapi(
  createRoute({
    method: "get",
    path: "/mcp/catalog",
    tags: ["mcp"],
    summary: "The MCP marketplace: servers you can enable, their transports and credential fields",
    security: bearerSecurity,
    middleware: [authorize("GET /mcp/catalog", { resource: "mcp_server", action: "read" })] as const,
    responses: { 200: jsonResponse(McpCatalog, "Catalog"), ...errorResponses },
  }),
  (c) => c.json({ entries: MCP_CATALOG.map(publicCatalogEntry) }, 200),
);

mcpRoutes.openapi(
  createRoute({
    method: "post",
    path: "/mcp/servers",
    tags: ["mcp"],
    summary: "Connect an MCP server: a catalog entry, or any server by URL (Streamable HTTP or SSE)",
    description:
      "stdio catalog entries run on the workspace host and need `consent.command` equal to the entry's `command`. " +
      "URLs that resolve to loopback, private, link-local or metadata addresses are refused with `url_not_allowed` " +
      "unless the deployment allows private networks.",
    security: bearerSecurity,
    middleware: [authorize("POST /mcp/servers", { resource: "mcp_server", action: "manage" })] as const,
    request: jsonBody(CreateMcpServerBody),
    responses: { 201: jsonResponse(McpServerCreated, "Connected"), ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = c.var.db;
    if (body.teamId) {
      const role = await roleInTeam(db, c.var.userId, body.teamId);
      if (!role) throw ApiError.notFound("Team");
      if (!roleAllows(role, "manage")) {
        throw new ApiError(
          403,
          ErrorCode.forbidden,
          "Only team leads and admins connect MCP servers for a team.",
        );
      }
    }
    const target = "catalogId" in body ? catalogTarget(body) : await urlTarget(c, body.url, body.transport);
    if (body.credential && body.credentialId) {
      throw new ApiError(
        422,
        ErrorCode.validationFailed,
        "Send either credential or credentialId, not both.",
      );
    }
    if (body.credential) checkFields(target.entry, body.credential.fields);
    else if (body.credentialId) await checkCredential(db, c.var.userId, body.credentialId);
    else requireNoFields(target.entry);

    const credentialId = body.credential
      ? await storeCredential(c, `${body.name} credential`, body.credential.fields)
      : (body.credentialId ?? null);
    const [row] = await db
      .insert(mcpServers)
      .values({
        ownerId: c.var.userId,
        teamId: body.teamId ?? null,
        name: body.name,
        catalogId: target.entry?.id ?? null,
        url: target.url,
        transport: target.transport,
        credentialId,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    void recordAudit(c, {
      action: AuditAction.mcpServerAdded,
      outcome: "success",
      teamId: row.teamId,
      targetType: "mcp_server",
      targetId: row.id,
      details: { name: row.name, catalogId: row.catalogId, transport: row.transport, url: row.url },
    });
    return c.json({ id: row.id }, 201);
  },
);

mcpRoutes.openapi(
  createRoute({
    method: "get",
    path: "/mcp/servers",
    tags: ["mcp"],
    summary: "The MCP servers you can use: yours and your teams'",
    security: bearerSecurity,
    middleware: [authorize("GET /mcp/servers", { resource: "mcp_server", action: "read" })] as const,
    responses: { 200: jsonResponse(z.object({ servers: z.array(McpServer) }), "Servers"), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.var.db
      .select()
      .from(mcpServers)
      .where(accessible(c.var.db, c.var.userId, "read", mcpServers))
      .orderBy(desc(mcpServers.createdAt));
    return c.json({ servers: rows.map(toMcpServer) }, 200);
  },
);

mcpRoutes.openapi(
  createRoute({
    method: "get",
    path: "/mcp/servers/{id}",
    tags: ["mcp"],
    summary: "One MCP server",
    security: bearerSecurity,
    middleware: [authorize("GET /mcp/servers/{id}", { resource: "mcp_server", action: "read" })] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(McpServer, "The server"), ...errorResponses },
  }),
  async (c) => {
    const row = await findServer(c.var.db, c.var.userId, c.req.valid("param").id, "read");
    return c.json(toMcpServer(row), 200);
  },
);

mcpRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/mcp/servers/{id}",
    tags: ["mcp"],
    summary: "Disconnect an MCP server (agents lose its tools)",
    security: bearerSecurity,
    middleware: [
      authorize("DELETE /mcp/servers/{id}", { resource: "mcp_server", action: "manage" }),
    ] as const,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await findServer(c.var.db, c.var.userId, id, "manage");
    const deleted = await c.var.db
      .delete(mcpServers)
      .where(and(eq(mcpServers.id, id), accessible(c.var.db, c.var.userId, "manage", mcpServers)))
      .returning({ id: mcpServers.id, teamId: mcpServers.teamId, name: mcpServers.name });
    if (deleted.length === 0) throw ApiError.notFound("MCP server");
    void recordAudit(c, {
      action: AuditAction.mcpServerRemoved,
      outcome: "success",
      teamId: deleted[0]?.teamId ?? null,
      targetType: "mcp_server",
      targetId: id,
      details: { name: deleted[0]?.name },
    });
    return c.body(null, 204);
  },
);

mcpRoutes.openapi(
  createRoute({
    method: "get",
    path: "/mcp/servers/{id}/tools",
    tags: ["mcp"],
    summary: "The server's tools (name, description, inputSchema), from the cache unless `refresh=true`",
    security: bearerSecurity,
    middleware: [
      authorize("GET /mcp/servers/{id}/tools", { resource: "mcp_server", action: "read" }),
    ] as const,
    request: {
      params: IdParam,
      query: z.object({
        refresh: z
          .enum(["true", "false"])
          .optional()
          .describe("`true` connects to the server and lists its tools now"),
      }),
    },
    responses: {
      200: jsonResponse(McpToolList, "Tools"),
      502: { description: "The server could not be reached", content: errorResponses[422].content },
      ...errorResponses,
    },
  }),
  async (c) => {
    const row = await findServer(c.var.db, c.var.userId, c.req.valid("param").id, "read");
    if (row.toolsCache && row.toolsFetchedAt && c.req.valid("query").refresh !== "true") {
      return c.json(
        {
          serverId: row.id,
          tools: row.toolsCache,
          fetchedAt: row.toolsFetchedAt.toISOString(),
          cached: true,
        },
        200,
      );
    }
    const tools = await listServerTools(c.var.db, c.env, c.var.userId, row);
    const fetchedAt = await storeToolList(c.var.db, row.id, tools);
    return c.json({ serverId: row.id, tools, fetchedAt: fetchedAt.toISOString(), cached: false }, 200);
  },
);

interface Target {
  entry: CatalogDefinition | undefined;
  url: string | null;
  transport: "streamable-http" | "sse" | "stdio";
}

function catalogTarget(body: { catalogId: string; consent?: { command: string } | undefined }): Target {
  const entry = catalogEntry(body.catalogId);
  if (!entry)
    throw new ApiError(422, ErrorCode.validationFailed, `catalogId: no catalog entry "${body.catalogId}".`);
  if (entry.custom) {
    throw new ApiError(
      422,
      ErrorCode.validationFailed,
      "A custom server needs {url, transport} instead of a catalogId.",
    );
  }
  if (entry.command !== undefined && body.consent?.command !== entry.command) {
    throw new ApiError(
      422,
      ErrorCode.consentRequired,
      `${entry.name} runs a command on the workspace host. Review it and consent by sending consent.command.`,
      { command: entry.command },
    );
  }
  const transport = entry.transports[0] ?? "streamable-http";
  return { entry, url: entry.url ?? null, transport };
}

async function urlTarget(
  c: AuditContext & { env: Env },
  url: string,
  transport: "streamable-http" | "sse",
): Promise<Target> {
  const env: Env = c.env;
  const check = await checkUrl(url, {
    policy: parsePrivateNetworkPolicy(env.ALLOW_PRIVATE_NETWORKS),
    resolve: createDohResolver(env.DNS_RESOLVER_URL ?? DEFAULT_DNS_RESOLVER),
  });
  if (!check.ok) {
    void recordAudit(c, {
      action: AuditAction.mcpServerRefused,
      outcome: "failure",
      targetType: "mcp_server",
      details: { url, reason: check.reason },
    });
    throw new ApiError(400, ErrorCode.urlNotAllowed, check.reason);
  }
  return { entry: catalogEntry("custom"), url: check.url.toString(), transport };
}

function checkFields(entry: CatalogDefinition | undefined, fields: Record<string, string>): void {
  const known = new Set(entry?.credentialFields.map((f) => f.name));
  for (const name of Object.keys(fields)) {
    const customHeader = entry?.custom && /^header:[A-Za-z0-9-]{1,100}$/.test(name);
    if (!known.has(name) && !customHeader) {
      throw new ApiError(
        422,
        ErrorCode.validationFailed,
        `credential.fields.${name}: ${entry?.name ?? "this server"} has no such field` +
          (entry?.custom ? " (custom servers take bearerToken or header:<Name>)." : "."),
      );
    }
  }
  for (const field of entry?.credentialFields ?? []) {
    if (field.required && !fields[field.name]) {
      throw new ApiError(
        422,
        ErrorCode.validationFailed,
        `credential.fields.${field.name}: ${field.label} is required.`,
      );
    }
  }
}

function requireNoFields(entry: CatalogDefinition | undefined): void {
  const missing = entry?.credentialFields.find((f) => f.required);
  if (missing) {
    throw new ApiError(
      422,
      ErrorCode.validationFailed,
      `credential.fields.${missing.name}: ${missing.label} is required.`,
    );
  }
}

async function checkCredential(db: Database, userId: string, credentialId: string): Promise<void> {
  const [row] = await db
    .select({ provider: credentials.provider })
    .from(credentials)
    .where(and(eq(credentials.id, credentialId), eq(credentials.ownerId, userId)))
    .limit(1);
  if (!row) throw new ApiError(422, ErrorCode.validationFailed, "credentialId: no such credential.");
  if (row.provider !== "mcp") {
    throw new ApiError(
      422,
      ErrorCode.validationFailed,
      `credentialId: that is a ${row.provider} model key, not an MCP credential.`,
    );
  }
}

async function storeCredential(
  c: AuditContext & { env: Env },
  name: string,
  fields: Record<string, string>,
): Promise<string> {
  const secretCiphertext = await sealSecret(c.env.CREDENTIALS_KEYS, { fields });
  const [row] = await c.var.db
    .insert(credentials)
    .values({ ownerId: c.var.userId, name, provider: "mcp", secretCiphertext })
    .returning({ id: credentials.id });
  if (!row) throw new Error("insert returned no row");
  void recordAudit(c, {
    action: AuditAction.credentialAdded,
    outcome: "success",
    targetType: "credential",
    targetId: row.id,
    details: { name, provider: "mcp" },
  });
  return row.id;
}
