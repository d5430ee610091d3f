import type { TestProject } from "vitest/node";
import { startOAuthMcpServer } from "./oauth-mcp-server.ts";

/**
 * Global setup: the OAuth-protected MCP server (oauth-mcp-server.ts) on loopback, in Node. The worker
 * reaches it as `OAUTH_MCP_URL` (its MCP endpoint; the authorization server shares its origin).
 */
export default async function setup(project: TestProject) {
  const server = await startOAuthMcpServer();
  project.provide("oauthMcpUrl", server.url);
  return () => server.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    oauthMcpUrl: string;
  }
}

declare global {
  namespace Cloudflare {
    interface Env {
      /** Test-only: the OAuth-protected MCP server; `<origin>/_test/*` controls it. */
      OAUTH_MCP_URL: string;
    }
  }
}
