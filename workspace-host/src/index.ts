import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { consoleLogger, type Logger } from "./log.ts";
import { SessionRegistry, type SessionSummary } from "./session-registry.ts";

export { ConfigError, loadConfig, type WorkspaceHostConfig } from "./config.ts";
export { consoleLogger, type Logger, silentLogger } from "./log.ts";
export type { SessionSummary } from "./session-registry.ts";

export interface StartWorkspaceHostOptions {
  /** 0 picks a free port. */
  port: number;
  /** `WORKSPACE_HOST_SECRET`, at least 32 characters. */
  secret: string;
  /** Owners' directories and workspaces live here; created if missing. */
  dataDir: string;
  /** Browser origins allowed to call (requests without `Origin` are always fine). Default none. */
  allowedOrigins?: readonly string[];
  /** Close sessions without requests for this long. Default 10 minutes. */
  idleMs?: number;
  /** Open sessions per owner (`team:…`/`user:…`). Default 20. */
  maxSessionsPerOwner?: number;
  /** Bind address. Default 127.0.0.1. */
  host?: string;
  log?: Logger;
}

export interface RunningWorkspaceHost {
  url: string;
  port: number;
  /** The open sessions (for tests and diagnostics): ids, catalog entries, child pids. */
  sessions(): SessionSummary[];
  /** Closes every session (killing the children), then the HTTP server. */
  close(): Promise<void>;
}

/**
 * Starts the workspace host: the stdio bridge on `/mcp/stdio/:catalogId`, the team workspace on
 * `/mcp/workspace` and `GET /healthz`. Resolves once it listens.
 * @example
 * const host = await startWorkspaceHost({ port: 0, secret, dataDir: "/tmp/wh" });
 * // … sealBridgeToken(secret, claims) and connect an MCP client to `${host.url}/mcp/stdio/everything`
 * await host.close();
 */
export async function startWorkspaceHost(options: StartWorkspaceHostOptions): Promise<RunningWorkspaceHost> {
  if (options.secret.length < 32) throw new Error("secret must be at least 32 characters");
  const log = options.log ?? consoleLogger;
  const host = options.host ?? "127.0.0.1";
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const registry = new SessionRegistry({
    maxPerOwner: options.maxSessionsPerOwner ?? 20,
    idleMs: options.idleMs ?? 600_000,
    log,
  });
  const app = createApp({
    secret: options.secret,
    allowedOrigins: options.allowedOrigins ?? [],
    dataDir: options.dataDir,
    registry,
    log,
  });

  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: options.port, hostname: host }, (info: AddressInfo) =>
        resolve({ server, port: info.port }),
      );
      server.once("error", reject);
    },
  ).catch(async (error) => {
    await registry.closeAll("start-up failed");
    throw error;
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    sessions: () => registry.list(),
    close() {
      closing ??= (async () => {
        // Sessions first: their SSE streams never end by themselves, and children must not outlive the host.
        await registry.closeAll("the workspace host is shutting down");
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ("closeAllConnections" in server) server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
