import { Hono } from "hono";
import { jsonRpcErrorResponse, McpHttpError, RpcCode } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { SessionRegistry } from "./session-registry.ts";
import { stdioRoute } from "./stdio/route.ts";
import { workspaceRoute } from "./workspace/route.ts";

export interface AppDependencies {
  /** `WORKSPACE_HOST_SECRET`: bridge tokens are sealed with it. */
  secret: string;
  /** Browser origins allowed to call; requests without `Origin` (the platform's) are unaffected. */
  allowedOrigins: readonly string[];
  /** Owners' directories (`owners/`) and workspaces (`workspaces/`) live here. */
  dataDir: string;
  registry: SessionRegistry;
  log: Logger;
}

export interface Health {
  ok: boolean;
  /** Open MCP sessions (stdio children plus workspace sessions). */
  sessions: number;
}

/**
 * The workspace host's HTTP app: `/healthz`, the stdio bridge and the workspace server.
 * @example serve({ fetch: createApp({ secret, allowedOrigins: [], dataDir, registry, log }).fetch, port: 8789 });
 */
export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();

  app.get("/healthz", (c) => c.json({ ok: true, sessions: deps.registry.size } satisfies Health));
  app.route("/", stdioRoute(deps));
  app.route("/", workspaceRoute(deps));

  app.notFound(() => jsonRpcErrorResponse(404, RpcCode.serverError, "Not found"));
  app.onError((error, c) => {
    if (error instanceof McpHttpError) return error.toResponse();
    deps.log.error("unhandled error", { method: c.req.method, path: c.req.path, error });
    return jsonRpcErrorResponse(500, RpcCode.internalError, "Internal error");
  });
  return app;
}
