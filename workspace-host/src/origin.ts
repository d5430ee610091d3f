import { McpHttpError, RpcCode } from "./errors.ts";

/**
 * The Streamable HTTP spec's DNS-rebinding rule: a request that carries `Origin` is refused unless that
 * origin is configured (`WORKSPACE_HOST_ALLOWED_ORIGINS`). The platform calls from a Durable Object, which
 * sends no `Origin`, so by default no browser page can reach the host at all.
 * @example assertAllowedOrigin(request, ["https://app.example.com"]); // throws a 403 McpHttpError
 */
export function assertAllowedOrigin(request: Request, allowedOrigins: readonly string[]): void {
  const origin = request.headers.get("origin");
  if (origin === null) return;
  if (allowedOrigins.includes(origin)) return;
  throw new McpHttpError(403, RpcCode.serverError, `Forbidden: Origin ${origin} is not allowed`);
}
