import { createMiddleware } from "hono/factory";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/app-types.ts";
import { type Permission, scopesAllow } from "./permissions.ts";

/**
 * Every route declares what it needs here; the table doubles as the input of the authorization-matrix
 * test, which fails for any route of the OpenAPI document that is missing from it.
 */
export const routePermissions = new Map<string, Permission>();

/**
 * Declares a route's permission and enforces the part that does not depend on the row: an API key must
 * carry a scope that allows the action. Row-level access (team role, ownership) is enforced in queries.
 * @example agentRoutes.openapi(createRoute({ ..., middleware: [authorize("POST /agents", { resource: "agent", action: "create" })] }), handler)
 */
export function authorize(route: string, permission: Permission) {
  routePermissions.set(route, permission);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!("public" in permission)) {
      const principal = c.var.principal;
      if (!principal) throw ApiError.unauthorized();
      if (principal.via === "api_key" && !scopesAllow(principal.scopes, permission.action)) {
        throw new ApiError(
          403,
          "forbidden",
          `This API key's scopes do not allow ${permission.action} on ${permission.resource}.`,
        );
      }
    }
    await next();
  });
}
