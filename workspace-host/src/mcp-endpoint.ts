import { randomUUID } from "node:crypto";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { BridgeClaims } from "@switchboard/protocol";
import { authenticate } from "./auth.ts";
import { McpHttpError, RpcCode } from "./errors.ts";
import { assertAllowedOrigin } from "./origin.ts";
import { readJsonBody } from "./read-body.ts";
import type { McpSession, SessionOwner, SessionRegistry } from "./session-registry.ts";

/** What a new session is made from; `id` becomes its `Mcp-Session-Id`. */
export interface NewSession {
  id: string;
  catalogId: string;
  claims: BridgeClaims;
  owner: SessionOwner;
  /** The session must call this when it ends, so the registry forgets it. */
  onClosed: (id: string) => void;
}

export interface McpEndpointOptions {
  secret: string;
  allowedOrigins: readonly string[];
  registry: SessionRegistry;
  createSession: (init: NewSession) => Promise<McpSession>;
  /** Largest initialize request accepted. Default 1 MiB. */
  maxInitializeBytes?: number;
}

const sessionNotFound = () => new McpHttpError(404, RpcCode.sessionNotFound, "Session not found");

/**
 * The checks every MCP request passes, in order, then the session that serves it:
 * 1. `Origin`, when sent, must be configured (403);
 * 2. a bridge token for this catalog entry (401);
 * 3. with `Mcp-Session-Id`: the session must exist and belong to the token's user and server, else 404 (the
 *    same answer as for a session that never existed, so ids of others cannot be probed);
 * 4. without: it must be an `initialize` POST, and the owner must be under the session cap (429).
 * @example app.all("/mcp/workspace", (c) => serveMcpRequest(c.req.raw, "workspace", options));
 */
export async function serveMcpRequest(
  request: Request,
  catalogId: string,
  options: McpEndpointOptions,
): Promise<Response> {
  const { registry } = options;
  assertAllowedOrigin(request, options.allowedOrigins);
  const claims = await authenticate(request, options.secret, catalogId);

  const sessionId = request.headers.get("mcp-session-id");
  if (sessionId !== null) {
    const session = registry.get(sessionId);
    if (!session || session.catalogId !== catalogId || !sameOwner(session.owner, claims))
      throw sessionNotFound();
    registry.touch(sessionId);
    try {
      return await session.handle(request);
    } finally {
      registry.touch(sessionId);
    }
  }

  if (request.method !== "POST") {
    throw new McpHttpError(400, RpcCode.serverError, "Bad Request: Mcp-Session-Id header is required");
  }
  const body = await readJsonBody(request, options.maxInitializeBytes ?? 1024 * 1024);
  if (!isInitializeRequest(body)) {
    throw new McpHttpError(
      400,
      RpcCode.invalidRequest,
      "Bad Request: without an Mcp-Session-Id header only an initialize request is accepted",
    );
  }
  const slot = registry.reserve(claims.own);
  let session: McpSession;
  try {
    session = await options.createSession({
      id: randomUUID(),
      catalogId,
      claims,
      owner: { sub: claims.sub, srv: claims.srv, own: claims.own },
      onClosed: (id) => registry.remove(id),
    });
  } catch (error) {
    slot.release();
    throw error;
  }
  const response = await session.handle(request, { parsedBody: body }).catch(async (error: unknown) => {
    slot.release();
    await session.close("initialize failed");
    throw error;
  });
  // The transport refused the request (bad Accept header, unsupported version…): no session to keep.
  if (!response.ok) {
    slot.release();
    await session.close("initialize was refused");
    return response;
  }
  // Registered before the client can know the id: it only learns it from this response's headers.
  slot.commit(session);
  return response;
}

const sameOwner = (owner: SessionOwner, claims: BridgeClaims) =>
  owner.sub === claims.sub && owner.srv === claims.srv && owner.own === claims.own;
