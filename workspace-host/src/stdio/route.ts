import { Hono } from "hono";
import { McpHttpError, RpcCode } from "../errors.ts";
import type { Logger } from "../log.ts";
import { serveMcpRequest } from "../mcp-endpoint.ts";
import type { SessionRegistry } from "../session-registry.ts";
import { stdioCatalogEntry, stdioCommand } from "./launch.ts";
import { StdioSession } from "./stdio-session.ts";

/**
 * Catalog entries whose server treats the client's roots as its sandbox. The reference filesystem server
 * replaces its allowed directories (`{root}`) with whatever roots the client lists, and a client's roots
 * name directories of the client's machine, not of this host: they are withheld so `{root}` stays the limit.
 */
export const WITHHOLD_CLIENT_ROOTS: ReadonlySet<string> = new Set(["filesystem"]);

export interface StdioRouteOptions {
  secret: string;
  allowedOrigins: readonly string[];
  dataDir: string;
  registry: SessionRegistry;
  log: Logger;
}

/**
 * `ALL /mcp/stdio/:catalogId`: a catalog stdio server as a Streamable HTTP endpoint, one child process per
 * session, started by the initialize request.
 * @example app.route("/", stdioRoute({ secret, allowedOrigins: [], dataDir, registry, log }));
 */
export function stdioRoute(options: StdioRouteOptions): Hono {
  const app = new Hono();
  app.all("/mcp/stdio/:catalogId", (c) =>
    serveMcpRequest(c.req.raw, c.req.param("catalogId"), {
      ...options,
      createSession: async ({ id, catalogId, claims, owner, onClosed }) => {
        const entry = stdioCatalogEntry(catalogId);
        if (!entry) {
          throw new McpHttpError(
            404,
            RpcCode.serverError,
            `No stdio MCP server "${catalogId}" in the catalog`,
          );
        }
        const command = await stdioCommand(entry, claims, options.dataDir);
        try {
          return await StdioSession.start({
            id,
            catalogId,
            owner,
            command,
            withholdClientRoots: WITHHOLD_CLIENT_ROOTS.has(catalogId),
            log: options.log,
            onClosed,
          });
        } catch (error) {
          options.log.error("stdio MCP server could not be started", { catalog: catalogId, error });
          throw new McpHttpError(
            502,
            RpcCode.serverError,
            "The MCP server process could not be started",
            {},
            {
              cause: error,
            },
          );
        }
      },
    }),
  );
  return app;
}
