/**
 * JSON-RPC error codes the host answers with before a request reaches an MCP server. -32000..-32099 are
 * the implementation-defined range; -32001 "Session not found" is what the SDK's own transport uses.
 */
export const RpcCode = {
  parseError: -32700,
  invalidRequest: -32600,
  serverError: -32000,
  sessionNotFound: -32001,
  internalError: -32603,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

/**
 * The one error type the MCP endpoints throw: `app.onError` turns it into an HTTP status with a JSON-RPC
 * error body (`id: null`), the shape MCP clients expect from a Streamable HTTP endpoint.
 * @example throw new McpHttpError(404, RpcCode.sessionNotFound, "Session not found");
 */
export class McpHttpError extends Error {
  override name = "McpHttpError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 429 | 500 | 502 | 503,
    readonly rpcCode: RpcCode,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toResponse(): Response {
    return jsonRpcErrorResponse(this.status, this.rpcCode, this.message, this.headers);
  }
}

/** A JSON-RPC error not tied to a request (`id: null`) as an HTTP response. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
