import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/**
 * The server wants an OAuth authorization the platform does not hold (none yet, or it was revoked). Only a
 * person can grant one, in a browser, so a connection never starts the flow itself: it stops with this and
 * the user connects the server with OAuth (`POST /mcp/servers/{id}/oauth/start`).
 */
export class McpAuthorizationRequiredError extends Error {
  override readonly name = "McpAuthorizationRequiredError";

  constructor(serverName: string, options?: ErrorOptions) {
    super(`${serverName} needs authorization: connect this server with OAuth first.`, options);
  }
}

/**
 * Whether an error from connecting or calling means "authorize first": our own signal, the SDK's
 * `UnauthorizedError`, or a 401 the transport reported because no OAuth provider was attached.
 * @example if (isAuthorizationRequired(error)) return { code: ToolErrorCode.authorizationRequired, ... };
 */
export function isAuthorizationRequired(error: unknown): boolean {
  if (error instanceof McpAuthorizationRequiredError || error instanceof UnauthorizedError) return true;
  return (error instanceof StreamableHTTPError || error instanceof SseError) && error.code === 401;
}
