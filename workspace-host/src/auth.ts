import { type BridgeClaims, openBridgeToken } from "@switchboard/protocol";
import { McpHttpError, RpcCode } from "./errors.ts";

// RFC 6750 §3: a 401 names the scheme; `error="invalid_token"` tells a client that retrying with the same
// token is pointless. No resource_metadata: these tokens come from the platform, never from an OAuth flow.
const unauthorized = (message: string, cause?: unknown) =>
  new McpHttpError(
    401,
    RpcCode.serverError,
    `Unauthorized: ${message}`,
    {
      "www-authenticate": `Bearer realm="switchboard-workspace-host", error="invalid_token", error_description="${message}"`,
    },
    { cause },
  );

/** `team:<uuid>` or `user:<uuid>`: the only shapes that may name a directory on the host. */
const OWNER = /^(team|user):[0-9a-f-]{36}$/;

/**
 * Opens the request's bridge token and checks it was issued for this endpoint's catalog entry. Every
 * failure is a 401 with `WWW-Authenticate: Bearer`, and none says more than the client needs.
 * @example const claims = await authenticate(request, secret, "everything"); // claims.own === "team:…"
 */
export async function authenticate(
  request: Request,
  secret: string,
  catalogId: string,
): Promise<BridgeClaims> {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) throw unauthorized("a bearer token is required");
  let claims: BridgeClaims;
  try {
    claims = await openBridgeToken(secret, match[1]);
  } catch (error) {
    throw unauthorized("the bearer token is invalid or expired", error);
  }
  if (claims.cat !== catalogId) throw unauthorized("the token was issued for another MCP server");
  if (!OWNER.test(claims.own)) throw unauthorized("the token's owner is malformed");
  return claims;
}

/** The directory-safe form of an owner (`team:…` → `team-…`), already validated by `authenticate`. */
export const ownerDirName = (own: string) => own.replace(":", "-");
