import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Database } from "@switchboard/db/client";
import { createAgentsServer } from "./agents-server.ts";
import { createKnowledgeServer } from "./knowledge-server.ts";
import { createWebServer } from "./web-server.ts";

export interface InternalServerDeps {
  /** SSRF-guarded fetch for anything the server fetches on the model's behalf. */
  fetch: typeof fetch;
  /** The verified user the connection acts for. */
  userId: string;
  db: Database;
}

/** Internal servers by catalog `internal` id; each call builds a fresh server for one connection. */
export const INTERNAL_SERVERS: Record<string, (deps: InternalServerDeps) => McpServer> = {
  web: createWebServer,
  agents: createAgentsServer,
  knowledge: createKnowledgeServer,
};
