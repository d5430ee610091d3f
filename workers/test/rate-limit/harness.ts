import { env } from "cloudflare:workers";
import type { RateLimiter } from "@switchboard/durable-objects";
import type { Principal } from "../../src/auth/principal.ts";
import type { Env } from "../../src/env.ts";
import { createRouter } from "../../src/http/create-router.ts";
import { handleError } from "../../src/http/error-handler.ts";
import {
  limitChat,
  limitLogin,
  limitRegister,
  recordFailedLogin,
  startWithRunSlot,
} from "../../src/rate-limit/index.ts";

/**
 * A tiny app that calls the rate-limit helpers exactly as the routes will, with the real error handler,
 * so status, body and Retry-After are what a client would see — independently of the route files.
 */
const app = createRouter();
app.post("/register", async (c) => {
  await limitRegister(c, (await c.req.json<{ email: string }>()).email);
  return c.json({ ok: true }, 200);
});
app.post("/login", async (c) => {
  await limitLogin(c, (await c.req.json<{ email: string }>()).email);
  return c.json({ ok: true }, 200);
});
app.post("/login-failed", async (c) => {
  await recordFailedLogin(c, (await c.req.json<{ email: string }>()).email);
  return c.json({ ok: true }, 200);
});
app.post("/chat", async (c) => {
  await limitChat(c, await c.req.json<Principal>());
  return c.json({ ok: true }, 200);
});
app.post("/run", async (c) => {
  const { userId, outcome } = await c.req.json<{ userId: string; outcome: "ok" | "busy" | "throw" }>();
  const result = await startWithRunSlot(c, userId, async (runId) => {
    if (outcome === "throw") throw new Error("the conversation object failed");
    return outcome === "ok"
      ? { ok: true as const, runId, messageId: crypto.randomUUID(), seq: 1 }
      : { ok: false as const, code: "run_in_progress" as const, message: "busy" };
  });
  return c.json(result, 200);
});
app.onError(handleError);

export interface HarnessResponse {
  status: number;
  retryAfter: string | null;
  body: { ok?: boolean; runId?: string; error?: { code: string; message: string } };
}

/** POSTs `body` to the harness as a client at `ip`, with the limits in `vars` overriding the defaults. */
export async function call(
  path: string,
  body: unknown,
  options: { ip?: string; vars?: Partial<Env> } = {},
): Promise<HarnessResponse> {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (options.ip) headers.set("CF-Connecting-IP", options.ip);
  const response = await app.request(
    path,
    { method: "POST", headers, body: JSON.stringify(body) },
    { ...env, ...options.vars },
  );
  return {
    status: response.status,
    retryAfter: response.headers.get("Retry-After"),
    body: (await response.json()) as HarnessResponse["body"],
  };
}

/** A random documentation-range-free address, so tests never share a per-IP bucket. */
export function randomIp(): string {
  const [a = 0, b = 0, c = 0] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

export const randomEmail = () => `rl-${crypto.randomUUID()}@example.com`;

/** A limiter namespace whose every call fails with `error` (or never answers), for the failure policy. */
export function brokenLimiter(error: unknown | "hang"): DurableObjectNamespace<RateLimiter> {
  const fail = () => (error === "hang" ? new Promise(() => {}) : Promise.reject(error));
  const stub = { take: fail, recordHit: fail, checkHits: fail, acquire: fail, release: fail };
  return { getByName: () => stub } as unknown as DurableObjectNamespace<RateLimiter>;
}
