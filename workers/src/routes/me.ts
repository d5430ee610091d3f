import { createRoute } from "@hono/zod-openapi";
import { users } from "@switchboard/db";
import { ModelInfo, Provider, User } from "@switchboard/protocol";
import { eq } from "drizzle-orm";
import { authorize } from "../auth/authorize.ts";
import { ApiError } from "../http/api-error.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, jsonResponse } from "../http/openapi-shared.ts";

export const meRoutes = createRouter();

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["auth"],
    summary: "The signed-in user",
    security: bearerSecurity,
    middleware: [authorize("GET /me", { resource: "account", action: "read" })] as const,
    responses: { 200: jsonResponse(User, "The user"), ...errorResponses },
  }),
  async (c) => {
    const [user] = await c.var.db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(eq(users.id, c.var.userId))
      .limit(1);
    if (!user) throw ApiError.unauthorized();
    return c.json(user, 200);
  },
);

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/models",
    tags: ["agents"],
    summary: "Which model providers this deployment offers, and whether the built-in demo model is on",
    security: bearerSecurity,
    middleware: [authorize("GET /models", { resource: "account", action: "read" })] as const,
    responses: { 200: jsonResponse(ModelInfo, "Providers"), ...errorResponses },
  }),
  (c) => {
    const demo = Boolean(c.env.DEMO_MODEL_URL);
    const providers = Provider.options.filter((p) => p !== "demo" || demo);
    return c.json({ demo, providers }, 200);
  },
);
