import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { ApiError } from "../../src/http/api-error.ts";
import { handleError } from "../../src/http/error-handler.ts";
import { securityHeaders } from "../../src/http/security-headers.ts";
import { registerAccount, session } from "../authorization/fixture.ts";
import { must } from "../authorization/http.ts";
import { BASE } from "../helpers/api.ts";

const SECURITY_HEADERS = {
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
};

const APP_ORIGIN = "https://app.example.com";
// Listed with a trailing slash and capitals, a wildcard and junk: only real origins may count.
const CORS_ORIGINS = `${APP_ORIGIN}, https://Admin.Example.com/, *, not an origin`;

function expectSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(res.headers.get(name), `${name} on ${res.status}`).toBe(value);
  }
}

function expectNoCors(res: Response): void {
  for (const name of [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
  ]) {
    expect(res.headers.get(name), name).toBeNull();
  }
}

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * The real API behind securityHeaders(), as app.ts will mount it, with `CORS_ORIGINS` set (the test
 * deployment leaves it unset, i.e. same-origin only).
 */
function apiWithHeaders(corsOrigins: string | undefined): Fetch {
  const api = createApp();
  const app = new Hono<{ Bindings: Cloudflare.Env & { CORS_ORIGINS?: string } }>();
  app.use("*", securityHeaders());
  app.all("*", (c) => api.fetch(c.req.raw, c.env, c.executionCtx));
  return async (path, init) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}${path}`, init),
      { ...env, CORS_ORIGINS: corsOrigins },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };
}

/** Responses of every kind: success, the API's errors (as app.onError writes them), and odd ones. */
const answersOfEveryKind: [string, RequestInit & { path: string }][] = [
  ["200 (the OpenAPI document)", { path: "/openapi.json" }],
  ["401 (no credential)", { path: "/me" }],
  ["401 (a bad token)", { path: "/me", headers: { Authorization: "Bearer not-a-token" } }],
  ["404 (no such endpoint)", { path: "/no-such-endpoint" }],
  [
    "400 (invalid JSON)",
    { path: "/auth/login", method: "POST", body: "{", headers: { "Content-Type": "application/json" } },
  ],
  [
    "422 (validation)",
    { path: "/auth/login", method: "POST", body: "{}", headers: { "Content-Type": "application/json" } },
  ],
];

describe("securityHeaders() on the API", () => {
  const fetchApi = apiWithHeaders(CORS_ORIGINS);

  for (const [label, { path, ...init }] of answersOfEveryKind) {
    it(`sets the security headers on a ${label}`, async () => {
      const res = await fetchApi(path, init);
      expect(label).toContain(String(res.status));
      expectSecurityHeaders(res);
    });
  }

  it("gives an allow-listed origin its own origin back (never *), without credentials", async () => {
    const res = await fetchApi("/me", { headers: { Origin: APP_ORIGIN } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(res.headers.get("Access-Control-Expose-Headers")).toContain("Retry-After");
    expect(res.headers.get("Vary")).toContain("Origin");
    expectSecurityHeaders(res);
  });

  it("matches origins as origins: scheme and host are case-insensitive, a trailing slash is no part", async () => {
    const res = await fetchApi("/me", { headers: { Origin: "https://admin.example.com" } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://admin.example.com");
  });

  for (const origin of [
    "https://evil.example",
    "https://app.example.com.evil.example",
    "http://app.example.com",
    "null",
  ]) {
    it(`gives no CORS headers to the unlisted origin ${origin}, and says the answer varies by Origin`, async () => {
      const res = await fetchApi("/me", { headers: { Origin: origin } });
      expectNoCors(res);
      expect(res.headers.get("Vary")).toContain("Origin");
      expectSecurityHeaders(res);
    });
  }

  it("answers an allow-listed preflight with 204, the methods and the headers the API reads", async () => {
    const res = await fetchApi("/agents", {
      method: "OPTIONS",
      headers: {
        Origin: APP_ORIGIN,
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, content-type, x-api-key",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    const methods = res.headers.get("Access-Control-Allow-Methods")?.split(",") ?? [];
    expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "PATCH", "DELETE"]));
    const headers = res.headers.get("Access-Control-Allow-Headers")?.toLowerCase().split(",") ?? [];
    expect(headers).toEqual(
      expect.arrayContaining(["authorization", "content-type", "x-api-key", "last-event-id"]),
    );
    expect(Number(res.headers.get("Access-Control-Max-Age"))).toBeGreaterThan(0);
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expectSecurityHeaders(res);
  });

  it("does not answer a preflight from an unlisted origin", async () => {
    const res = await fetchApi("/agents", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(res.status).not.toBe(204);
    expectNoCors(res);
    expectSecurityHeaders(res);
  });

  it("keeps the live stream's WebSocket upgrade working for an allow-listed origin", async () => {
    const user = await registerAccount("headers-stream");
    const agent = await must<{ id: string }>(201, {
      method: "POST",
      path: "/agents",
      credential: session(user),
      body: { name: "Bot", model: { provider: "demo", name: "demo" } },
    });
    const conversation = await must<{ id: string }>(201, {
      method: "POST",
      path: "/conversations",
      credential: session(user),
      body: { agentId: agent.id },
    });
    const res = await fetchApi(`/conversations/${conversation.id}/stream`, {
      headers: {
        Origin: APP_ORIGIN,
        Upgrade: "websocket",
        "Sec-WebSocket-Protocol": `switchboard.v1, bearer.${user.accessToken}`,
      },
    });
    expect(res.status).toBe(101);
    expect(res.webSocket).toBeTruthy();
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("switchboard.v1");
    res.webSocket?.accept();
    res.webSocket?.close(1000, "done");
  });

  it("sends no CORS headers at all when CORS_ORIGINS is unset (same-origin only)", async () => {
    const sameOriginOnly = apiWithHeaders(undefined);
    const res = await sameOriginOnly("/me", { headers: { Origin: APP_ORIGIN } });
    expectNoCors(res);
    expectSecurityHeaders(res);
    const preflight = await sameOriginOnly("/agents", {
      method: "OPTIONS",
      headers: { Origin: APP_ORIGIN, "Access-Control-Request-Method": "POST" },
    });
    expectNoCors(preflight);
  });
});

describe("securityHeaders() on unusual responses", () => {
  const app = new Hono();
  app.use("*", securityHeaders());
  app.get("/thrown", () => {
    throw new ApiError(403, "forbidden", "No.");
  });
  // Response.redirect has immutable headers, like a response straight from fetch().
  app.get("/immutable", () => Response.redirect("https://example.com/", 302));
  app.get("/socket", () => {
    const [client, server] = Object.values(new WebSocketPair());
    server?.accept();
    return new Response(null, { status: 101, webSocket: client ?? null });
  });
  app.onError(handleError);
  const call = (path: string, origin?: string) =>
    app.fetch(new Request(`https://api.example.com${path}`, { headers: origin ? { Origin: origin } : {} }), {
      CORS_ORIGINS: APP_ORIGIN,
    });

  it("sets them on an error thrown by a handler", async () => {
    const res = await call("/thrown");
    expect(res.status).toBe(403);
    expectSecurityHeaders(res);
  });

  it("sets them on a response whose headers are immutable", async () => {
    const res = await call("/immutable", APP_ORIGIN);
    expect(res.status).toBe(302);
    expectSecurityHeaders(res);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
  });

  it("keeps a WebSocket upgrade intact", async () => {
    const res = await call("/socket", APP_ORIGIN);
    expect(res.status).toBe(101);
    expect(res.webSocket).toBeTruthy();
    res.webSocket?.accept();
    res.webSocket?.close(1000, "done");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
  });
});

// These hold once app.ts mounts securityHeaders(); until then they fail, on purpose: the middleware is only
// worth something mounted.
describe("the worker as deployed", () => {
  it("sets the security headers on API responses and errors", async () => {
    for (const path of ["/openapi.json", "/me", "/no-such-endpoint"]) {
      expectSecurityHeaders(await exports.default.fetch(new Request(`${BASE}${path}`)));
    }
  });

  it("is same-origin only when CORS_ORIGINS is unset", async () => {
    const res = await exports.default.fetch(new Request(`${BASE}/me`, { headers: { Origin: APP_ORIGIN } }));
    expectNoCors(res);
  });
});
