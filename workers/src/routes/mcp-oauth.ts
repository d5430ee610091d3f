import { createRoute } from "@hono/zod-openapi";
import { type McpSecret, openSecretRotating, sealSecret } from "@switchboard/durable-objects/crypto";
import { beginAuthorization, completeAuthorization, outboundFetch } from "@switchboard/durable-objects/mcp";
import { ErrorCode, McpOAuthCallbackQuery, type McpOAuthFailure, McpOAuthStart } from "@switchboard/protocol";
import type { Context } from "hono";
import { z } from "zod";
import { AuditAction, recordAudit } from "../audit/audit-log.ts";
import { authorize } from "../auth/authorize.ts";
import { randomToken, sha256Hex } from "../crypto/opaque-token.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/app-types.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, IdParam, jsonResponse } from "../http/openapi-shared.ts";
import { bindBrowser, presentedBindingHash } from "../mcp/oauth-browser-binding.ts";
import { pendingOwner, savePendingAuthorization, takePendingAuthorization } from "../mcp/oauth-states.ts";
import { findServer, type McpServerRow } from "../mcp/server-access.ts";
import { oauthTarget, readServerOAuth, storeServerOAuth } from "../mcp/server-oauth.ts";

/**
 * OAuth 2.1 for remote MCP servers (docs/design/mcp-tools.md, "OAuth for remote servers"): a user who
 * may manage a server starts an authorization here, their browser comes back to the callback, and the
 * tokens are kept in the vault as the server's credential. The SDK's client auth does the protocol.
 */
export const mcpOAuthRoutes = createRouter();

/** Where the authorization server sends the browser back (the API is mounted at /api/v1). */
export const OAUTH_CALLBACK_PATH = "/api/v1/mcp/oauth/callback";

mcpOAuthRoutes.openapi(
  createRoute({
    method: "post",
    path: "/mcp/servers/{id}/oauth/start",
    tags: ["mcp"],
    summary: "Start connecting a remote MCP server with OAuth: answers the URL to open in the browser",
    description:
      "Discovers the server's authorization server (protected-resource metadata from its 401 challenge), " +
      "registers the platform there when it supports dynamic client registration, and builds an " +
      "authorization-code request with PKCE (S256), `state` and the `resource` indicator. The response sets " +
      "an HttpOnly cookie: open the URL in the same browser, which the callback then accepts. The pending " +
      `authorization is single use and expires after 10 minutes. Callback: \`${OAUTH_CALLBACK_PATH}\`.`,
    security: bearerSecurity,
    middleware: [
      authorize("POST /mcp/servers/{id}/oauth/start", { resource: "mcp_server", action: "manage" }),
    ] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(McpOAuthStart, "Open `authorizationUrl` in the browser"),
      502: {
        description: "The server or its authorization server failed",
        content: errorResponses[422].content,
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const db = c.var.db;
    const server = await findServer(db, c.var.userId, c.req.valid("param").id, "manage");
    const target = oauthTarget(server);
    const redirectUri = new URL(OAUTH_CALLBACK_PATH, c.req.url).href;
    const state = randomToken();
    const previous = await readServerOAuth(db, c.env, server);
    let flow: Awaited<ReturnType<typeof beginAuthorization>>;
    try {
      flow = await beginAuthorization({
        serverUrl: target.url,
        transport: target.transport,
        redirectUrl: redirectUri,
        state,
        fetch: outboundFetch(c.env),
        scope: previous?.scope,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      void recordAudit(c, {
        action: AuditAction.mcpOAuthFailed,
        outcome: "failure",
        teamId: server.teamId,
        targetType: "mcp_server",
        targetId: server.id,
        details: { stage: "start", reason },
      });
      if (error instanceof Error && error.name === "UrlNotAllowedError") {
        throw new ApiError(400, ErrorCode.urlNotAllowed, reason);
      }
      throw new ApiError(
        502,
        ErrorCode.badGateway,
        `Could not start OAuth with ${server.name}: ${reason}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    const flowCiphertext = await sealSecret(c.env.CREDENTIALS_KEYS, {
      fields: {
        codeVerifier: flow.codeVerifier,
        client: JSON.stringify(flow.client),
        ...(flow.resourceMetadataUrl ? { resourceMetadataUrl: flow.resourceMetadataUrl } : {}),
      },
    });
    await savePendingAuthorization(db, {
      stateHash: await sha256Hex(state),
      userId: c.var.userId,
      serverId: server.id,
      bindingHash: await bindBrowser(c),
      redirectUri,
      flowCiphertext,
    });
    void recordAudit(c, {
      action: AuditAction.mcpOAuthStarted,
      outcome: "success",
      teamId: server.teamId,
      targetType: "mcp_server",
      targetId: server.id,
      details: { authorizationServer: flow.authorizationUrl.origin },
    });
    return c.json({ authorizationUrl: flow.authorizationUrl.href }, 200);
  },
);

mcpOAuthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/mcp/oauth/callback",
    tags: ["mcp"],
    summary: "The OAuth redirect target: finishes the authorization and sends the browser to the dashboard",
    description:
      "Public: the browser arrives from the authorization server without the API's bearer token. The `state` " +
      "names the pending authorization (and so the user and the server); it is taken once, only by the browser " +
      "holding the cookie set by `oauth/start`, and only within 10 minutes. Always answers a redirect: to " +
      "`/tools/servers/{id}?oauth=connected`, or `?oauth=failed&reason=…` (to `/tools` when the state is not " +
      "this browser's).",
    middleware: [authorize("GET /mcp/oauth/callback", { public: true })] as const,
    request: { query: McpOAuthCallbackQuery },
    responses: {
      302: {
        description: "To the dashboard",
        headers: z.object({ Location: z.string().describe("The dashboard page with the outcome") }),
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const db = c.var.db;
    if (!query.state) return toDashboard(c, undefined, "invalid_request");
    const stateHash = await sha256Hex(query.state);
    const bindingHash = await presentedBindingHash(c);
    const pending = bindingHash ? await takePendingAuthorization(db, stateHash, bindingHash) : undefined;
    if (!pending) {
      const owner = await pendingOwner(db, stateHash);
      if (owner) {
        // Someone else's authorization, brought by a browser that did not start it: refused and left in
        // place for its owner. Audited for them: it may be an attempt to land a foreign grant.
        void recordAudit(c, {
          action: AuditAction.mcpOAuthFailed,
          outcome: "failure",
          actorId: owner.userId,
          targetType: "mcp_server",
          targetId: owner.serverId,
          details: { stage: "callback", reason: "browser_mismatch" },
        });
      }
      return toDashboard(c, undefined, "invalid_state");
    }
    const fail = (reason: McpOAuthFailure, detail: string, server?: McpServerRow) => {
      void recordAudit(c, {
        action: AuditAction.mcpOAuthFailed,
        outcome: "failure",
        actorId: pending.userId,
        teamId: server?.teamId ?? undefined,
        targetType: "mcp_server",
        targetId: pending.serverId,
        details: { stage: "callback", reason, detail },
      });
      // A user who may no longer manage the server is not sent to its page.
      return toDashboard(c, reason === "forbidden" ? undefined : pending.serverId, reason);
    };
    if (pending.expired) return fail("expired", "the authorization was started more than 10 minutes ago");
    if (query.error) return fail("denied", query.error);
    if (!query.code) return fail("invalid_request", "no code");

    let server: McpServerRow;
    try {
      // The user must still be allowed to manage the server now, not only when they started.
      server = await findServer(db, pending.userId, pending.serverId, "manage");
    } catch {
      return fail("forbidden", "the user may no longer manage the server");
    }
    const { secret: flow } = await openSecretRotating<McpSecret>(
      c.env.CREDENTIALS_KEYS,
      pending.flowCiphertext,
    );
    const { codeVerifier, client, resourceMetadataUrl } = flow.fields;
    if (!codeVerifier || !client)
      return fail("exchange_failed", "the pending authorization is incomplete", server);
    const clientInformation = JSON.parse(client) as Parameters<typeof completeAuthorization>[0]["client"];
    if (query.iss && !sameIssuer(query.iss, clientInformation.issuer)) {
      // RFC 9207: the response names another authorization server than the one the request went to.
      return fail("exchange_failed", `issuer mismatch: ${query.iss}`, server);
    }
    try {
      const { url } = oauthTarget(server);
      const stored = await completeAuthorization({
        serverUrl: url,
        redirectUrl: pending.redirectUri,
        code: query.code,
        codeVerifier,
        client: clientInformation,
        resourceMetadataUrl,
        fetch: outboundFetch(c.env),
      });
      const { credentialId, created } = await storeServerOAuth(db, c.env.CREDENTIALS_KEYS, {
        server,
        userId: pending.userId,
        stored,
      });
      if (created) {
        void recordAudit(c, {
          action: AuditAction.credentialAdded,
          outcome: "success",
          actorId: pending.userId,
          targetType: "credential",
          targetId: credentialId,
          details: { name: `${server.name} (OAuth)`, provider: "mcp" },
        });
      }
    } catch (error) {
      console.error("MCP OAuth code exchange failed", { serverId: server.id, error });
      return fail("exchange_failed", error instanceof Error ? error.message : String(error), server);
    }
    void recordAudit(c, {
      action: AuditAction.mcpOAuthCompleted,
      outcome: "success",
      actorId: pending.userId,
      teamId: server.teamId,
      targetType: "mcp_server",
      targetId: server.id,
    });
    return toDashboard(c, server.id, undefined);
  },
);

/** The dashboard page for the outcome; only a short reason code goes into the URL, never a detail. */
function toDashboard(c: Context<AppEnv>, serverId: string | undefined, failure: McpOAuthFailure | undefined) {
  const url = new URL(serverId ? `/tools/servers/${serverId}` : "/tools", c.req.url);
  url.searchParams.set("oauth", failure ? "failed" : "connected");
  if (failure) url.searchParams.set("reason", failure);
  return c.redirect(url.href, 302);
}

/** Issuer identifiers compared as URLs, tolerating one trailing slash (as the SDK does). */
function sameIssuer(a: string, b: string | undefined): boolean {
  if (!b) return false;
  const normalize = (value: string) => {
    try {
      return new URL(value).href.replace(/\/$/, "");
    } catch {
      return value.replace(/\/$/, "");
    }
  };
  return normalize(a) === normalize(b);
}
