/**
 * The contract between the conversation Durable Object and the workspace host's MCP endpoints.
 *
 * Every request carries `Authorization: Bearer <token>`: a compact JWE (`dir` + `A256GCM`, key = SHA-256
 * of the shared `WORKSPACE_HOST_SECRET`), so the credential environment inside it is confidential and the
 * claims cannot be forged. The platform's own JWTs and API keys never reach the host or any MCP server.
 */
export const BRIDGE_AUDIENCE = "switchboard-workspace-host";
export const BRIDGE_TOKEN_TTL_SECONDS = 600;

/** Streamable HTTP endpoint for catalog stdio servers: `${WORKSPACE_HOST_URL}/mcp/stdio/:catalogId`. */
export const bridgeStdioPath = (catalogId: string) => `/mcp/stdio/${encodeURIComponent(catalogId)}`;

export interface BridgeClaims {
  /** The verified user the call is made for. */
  sub: string;
  /** The platform's MCP server id (one process per server per owner). */
  srv: string;
  /** Catalog entry id; the host resolves the command from the catalog itself. */
  cat: string;
  /** Whose directory `{root}` is: `team:<id>` or `user:<id>`. */
  own: string;
  /** Credential environment for the stdio process (catalog field `env` names only). */
  env: Record<string, string>;
}
