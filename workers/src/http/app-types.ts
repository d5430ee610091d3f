import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Database } from "@switchboard/db/client";
import type { Principal } from "../auth/principal.ts";
import type { Env } from "../env.ts";

/** What middleware puts on the request context. */
export interface AppVariables {
  db: Database;
  /** The authenticated caller, when a credential was presented (set by `identify`). */
  principal?: Principal;
  /** `principal.userId`, for handlers behind `authorize` (which guarantees a principal). */
  userId: string;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
export type App = OpenAPIHono<AppEnv>;
