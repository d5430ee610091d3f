import { Hono } from "hono";
import type { Logger } from "../log.ts";
import { serveMcpRequest } from "../mcp-endpoint.ts";
import type { SessionRegistry } from "../session-registry.ts";
import { WorkspaceSession } from "./workspace-session.ts";

export interface WorkspaceRouteOptions {
  secret: string;
  allowedOrigins: readonly string[];
  dataDir: string;
  registry: SessionRegistry;
  log: Logger;
}

/**
 * `ALL /mcp/workspace` (the catalog's `hostPath`): the owner's workspace as an MCP server; tokens must be
 * issued for catalog entry `workspace`.
 * @example app.route("/", workspaceRoute({ secret, allowedOrigins: [], dataDir, registry, log }));
 */
export function workspaceRoute(options: WorkspaceRouteOptions): Hono {
  const app = new Hono();
  app.all("/mcp/workspace", (c) =>
    serveMcpRequest(c.req.raw, "workspace", {
      ...options,
      createSession: ({ id, owner, onClosed }) =>
        WorkspaceSession.start({ id, owner, dataDir: options.dataDir, log: options.log, onClosed }),
    }),
  );
  return app;
}
