import { createDatabase } from "@switchboard/db/client";
import { ErrorCode } from "@switchboard/protocol";
import { bodyLimit } from "hono/body-limit";
import { identify } from "./auth/identify.ts";
import { missingSecrets } from "./env.ts";
import { ApiError } from "./http/api-error.ts";
import { createRouter } from "./http/create-router.ts";
import { handleError } from "./http/error-handler.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { adminRoutes } from "./routes/admin.ts";
import { agentRoutes } from "./routes/agents.ts";
import { apiKeyRoutes } from "./routes/api-keys.ts";
import { auditRoutes } from "./routes/audit.ts";
import { authRoutes } from "./routes/auth.ts";
import { conversationRoutes } from "./routes/conversations.ts";
import { credentialRoutes } from "./routes/credentials.ts";
import { mcpRoutes } from "./routes/mcp.ts";
import { mcpOAuthRoutes } from "./routes/mcp-oauth.ts";
import { meRoutes } from "./routes/me.ts";
import { documentStreamRoutes, streamRoutes } from "./routes/stream.ts";
import { teamRoutes } from "./routes/teams.ts";
import { toolCallRoutes } from "./routes/tool-calls.ts";

/** Request bodies above this are refused with 413 before they are read whole. */
export const MAX_BODY_BYTES = 512 * 1024;

/** The API under /api/v1, with its OpenAPI document at /api/v1/openapi.json. */
export function createApp() {
  const api = createRouter();

  api.use("*", async (c, next) => {
    const missing = missingSecrets(c.env);
    if (missing.length > 0) {
      console.error(
        `Switchboard is not configured: set ${missing.join(", ")} (see README, "Configuration").`,
      );
      throw new ApiError(503, ErrorCode.unavailable, "The service is not configured yet.");
    }
    c.set("db", createDatabase({ databaseUrl: c.env.DATABASE_URL, sqlEndpoint: c.env.SQL_ENDPOINT }));
    await next();
  });
  api.use("*", identify);
  api.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(
          413,
          ErrorCode.payloadTooLarge,
          `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`,
        );
      },
    }),
  );

  // Live routes first: they authenticate themselves (a WebSocket carries its token as a subprotocol), and
  // the `/conversations/*` auth middleware of the REST routes must not run before them.
  api.route("/", streamRoutes);
  api.route("/", authRoutes);
  api.route("/", meRoutes);
  api.route("/", credentialRoutes);
  api.route("/", agentRoutes);
  api.route("/", mcpRoutes);
  api.route("/", mcpOAuthRoutes);
  api.route("/", toolCallRoutes);
  api.route("/", conversationRoutes);
  api.route("/", teamRoutes);
  api.route("/", apiKeyRoutes);
  api.route("/", adminRoutes);
  api.route("/", auditRoutes);

  api.openAPIRegistry.registerComponent("securitySchemes", "Bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The access token from register, login or refresh.",
  });
  documentStreamRoutes(api.openAPIRegistry);
  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: "1.0.0",
      description: "Multi-agent orchestration platform. Errors are JSON `{error:{code,message}}`.",
    },
    servers: [{ url: "/api/v1" }],
  });

  api.notFound(() => {
    throw new ApiError(404, ErrorCode.notFound, "No such endpoint.");
  });
  api.onError(handleError);

  const app = createRouter();
  // First, so every response (preflights, 401/404/503 errors) carries the security headers and CORS.
  app.use("*", securityHeaders());
  app.route("/api/v1", api);
  // Only /api/* reaches the worker (everything else is the dashboard's static assets). Answer rather than
  // throw: a throw from notFound would skip the security-headers middleware's after-step.
  app.notFound((c) => c.json({ error: { code: ErrorCode.notFound, message: "No such endpoint." } }, 404));
  app.onError(handleError);
  return app;
}
