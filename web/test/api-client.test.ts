import { describe, expect, it } from "vitest";
import { ApiClient } from "../src/api/api-client.ts";
import { ApiError } from "../src/api/api-error.ts";
import { jwtExpiresAt } from "../src/api/jwt.ts";
import { type Session, SessionStore } from "../src/api/session-store.ts";

const user = { id: "5f0b6f3e-8a9c-4d5e-9f10-0a1b2c3d4e5f", email: "ada@example.com", name: "Ada" };

/** A JWT-shaped token (unsigned: the client only reads `exp`). */
function jwt(expSeconds: number, tag: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "HS256" })}.${encode({ exp: expSeconds, tag })}.sig`;
}

const NOW = 1_800_000_000_000;
const fresh = (tag: string) => jwt(NOW / 1000 + 900, tag);

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function setup(initial: Session | null, handler: (url: string, init: RequestInit) => Response) {
  const session = new SessionStore(null);
  session.set(initial);
  const calls: Array<{ url: string; auth: string | undefined; body: unknown }> = [];
  const api = new ApiClient({
    session,
    now: () => NOW,
    lock: (_name, task) => task(),
    fetch: async (input, init = {}) => {
      const url = String(input);
      const headers = (init.headers ?? {}) as Record<string, string>;
      calls.push({
        url,
        auth: headers.Authorization,
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      return handler(url, init);
    },
  });
  return { api, session, calls };
}

const signedIn = (): Session => ({ user, accessToken: fresh("a1"), refreshToken: "r1" });

describe("jwtExpiresAt", () => {
  it("reads exp in milliseconds, or undefined for anything else", () => {
    expect(jwtExpiresAt(jwt(1234, "x"))).toBe(1_234_000);
    expect(jwtExpiresAt("opaque")).toBeUndefined();
    expect(jwtExpiresAt("a.!!!.c")).toBeUndefined();
  });
});

describe("ApiClient", () => {
  it("sends the bearer token and validates the response", async () => {
    const { api, calls } = setup(signedIn(), () => json(200, user));
    await expect(api.me()).resolves.toEqual(user);
    expect(calls[0]).toMatchObject({ url: "/api/v1/me", auth: `Bearer ${signedIn().accessToken}` });
  });

  it("on a 401 refreshes once and retries once with the new token", async () => {
    const rotated = { user, accessToken: fresh("a2"), refreshToken: "r2" };
    const { api, session, calls } = setup(signedIn(), (url, init) => {
      if (url.endsWith("/auth/refresh")) return json(200, rotated);
      const auth = (init.headers as Record<string, string>).Authorization;
      return auth === `Bearer ${rotated.accessToken}`
        ? json(200, user)
        : json(401, { error: { code: "unauthorized", message: "expired" } });
    });
    await expect(api.me()).resolves.toEqual(user);
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/me", "/api/v1/auth/refresh", "/api/v1/me"]);
    expect(calls[1]?.body).toEqual({ refreshToken: "r1" });
    expect(session.get()).toEqual(rotated);
  });

  it("signs out when the refresh token is refused", async () => {
    const { api, session } = setup(signedIn(), (url) =>
      url.endsWith("/auth/refresh")
        ? json(401, { error: { code: "unauthorized", message: "revoked" } })
        : json(401, { error: { code: "unauthorized", message: "expired" } }),
    );
    await expect(api.me()).rejects.toMatchObject({ status: 401 });
    expect(session.get()).toBeNull();
  });

  it("shares one refresh between concurrent callers", async () => {
    const rotated = { user, accessToken: fresh("a2"), refreshToken: "r2" };
    const { api, calls } = setup(signedIn(), (url) =>
      url.endsWith("/auth/refresh") ? json(200, rotated) : json(200, {}),
    );
    const tokens = await Promise.all([
      api.accessToken({ forceRefresh: true }),
      api.accessToken({ forceRefresh: true }),
    ]);
    expect(tokens).toEqual([rotated.accessToken, rotated.accessToken]);
    expect(calls.filter((c) => c.url.endsWith("/auth/refresh"))).toHaveLength(1);
  });

  it("refreshes a token that is about to expire before using it", async () => {
    const expiring = { user, accessToken: jwt(NOW / 1000 + 10, "old"), refreshToken: "r1" };
    const rotated = { user, accessToken: fresh("a2"), refreshToken: "r2" };
    const { api } = setup(expiring, (url) =>
      url.endsWith("/auth/refresh") ? json(200, rotated) : json(200, {}),
    );
    await expect(api.accessToken({ forceRefresh: false })).resolves.toBe(rotated.accessToken);
  });

  it("returns the server's error message, or a readable one for non-JSON errors", async () => {
    const { api } = setup(signedIn(), (url) =>
      url.endsWith("/messages")
        ? json(409, { error: { code: "run_in_progress", message: "A run is already in progress." } })
        : new Response("<html>Bad gateway</html>", { status: 502 }),
    );
    const conflict = await api.sendMessage("c1", "hi").catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ApiError);
    expect(conflict).toMatchObject({
      status: 409,
      code: "run_in_progress",
      message: "A run is already in progress.",
    });
    await expect(api.agents()).rejects.toMatchObject({
      status: 502,
      message: expect.stringMatching(/trouble/),
    });
  });

  it("reports network failures as such", async () => {
    const session = new SessionStore(null);
    const api = new ApiClient({
      session,
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await expect(api.login({ email: "a@b.co", password: "x" })).rejects.toMatchObject({
      code: "network_error",
    });
  });

  it("stores the session on login", async () => {
    const result = { user, accessToken: fresh("a1"), refreshToken: "r1" };
    const { api, session, calls } = setup(null, () => json(200, result));
    await api.login({ email: "ada@example.com", password: "correct horse" });
    expect(session.get()).toEqual(result);
    expect(calls[0]?.auth).toBeUndefined();
  });

  it("signs out on the server first, then forgets the session even if that fails", async () => {
    const { api, session, calls } = setup(signedIn(), () => new Response(null, { status: 204 }));
    await api.signOut();
    expect(calls[0]).toMatchObject({ url: "/api/v1/auth/logout", body: { refreshToken: "r1" } });
    expect(session.get()).toBeNull();

    const offline = setup(signedIn(), () => {
      throw new TypeError("Failed to fetch");
    });
    await offline.api.signOut();
    expect(offline.session.get()).toBeNull();
  });

  it("changes the password with the access token", async () => {
    const { api, calls } = setup(signedIn(), () => new Response(null, { status: 204 }));
    await api.changePassword({ currentPassword: "old one", newPassword: "a much longer one" });
    expect(calls[0]).toMatchObject({
      url: "/api/v1/auth/change-password",
      auth: `Bearer ${signedIn().accessToken}`,
      body: { currentPassword: "old one", newPassword: "a much longer one" },
    });
  });
});

describe("ApiClient access-control endpoints", () => {
  const teamId = "7a1f6c1e-1111-4222-8333-444455556666";
  const team = { id: teamId, orgId: teamId, name: "Research", role: "team_lead", createdAt: "2026-01-01" };

  it("lists teams, validated against the protocol", async () => {
    const { api } = setup(signedIn(), () => json(200, { teams: [team] }));
    await expect(api.teams()).resolves.toEqual([team]);
    const bad = setup(signedIn(), () => json(200, { teams: [{ ...team, role: "owner" }] }));
    await expect(bad.api.teams()).rejects.toMatchObject({ code: "bad_response" });
  });

  it("passes the server's message through when adding an unknown email", async () => {
    const { api, calls } = setup(signedIn(), () =>
      json(404, {
        error: { code: "not_found", message: "No account uses that email. Ask them to register." },
      }),
    );
    await expect(
      api.addTeamMember(teamId, { email: "bob@example.com", role: "viewer" }),
    ).rejects.toMatchObject({
      status: 404,
      message: "No account uses that email. Ask them to register.",
    });
    expect(calls[0]).toMatchObject({
      url: `/api/v1/teams/${teamId}/members`,
      body: { email: "bob@example.com", role: "viewer" },
    });
  });

  it("sends audit filters as a query string, leaving empty ones out", async () => {
    const { api, calls } = setup(signedIn(), () => json(200, { entries: [], nextCursor: "n2" }));
    await expect(api.auditLog({ actor: "ada", action: "", limit: 50, cursor: "c1" })).resolves.toEqual({
      entries: [],
      nextCursor: "n2",
    });
    expect(calls[0]?.url).toBe("/api/v1/audit?actor=ada&limit=50&cursor=c1");
  });

  it("downloads the audit export with the bearer token, refreshing on a 401", async () => {
    const rotated = { user, accessToken: fresh("a2"), refreshToken: "r2" };
    const { api, calls } = setup(signedIn(), (url, init) => {
      if (url.endsWith("/auth/refresh")) return json(200, rotated);
      const auth = (init.headers as Record<string, string>).Authorization;
      if (auth !== `Bearer ${rotated.accessToken}`)
        return json(401, { error: { code: "unauthorized", message: "x" } });
      return new Response("at,actor\n", {
        status: 200,
        headers: {
          "Content-Type": "text/csv",
          "Content-Disposition": 'attachment; filename="audit-2026.csv"',
        },
      });
    });
    const file = await api.exportAuditLog("csv", { action: "auth.login", cursor: "ignored", limit: 50 });
    expect(file.filename).toBe("audit-2026.csv");
    expect(await file.blob.text()).toBe("at,actor\n");
    expect(calls.map((c) => c.url)).toEqual([
      "/api/v1/audit/export?format=csv&action=auth.login",
      "/api/v1/auth/refresh",
      "/api/v1/audit/export?format=csv&action=auth.login",
    ]);
  });

  it("reports a refused export as forbidden", async () => {
    const { api } = setup(signedIn(), () =>
      json(403, { error: { code: "forbidden", message: "Admins only." } }),
    );
    await expect(api.exportAuditLog("json")).rejects.toMatchObject({ status: 403, code: "forbidden" });
  });

  it("creates an API key and returns the one-time secret", async () => {
    const created = {
      id: teamId,
      name: "CI",
      prefix: "sb_live_ab",
      scopes: ["read", "chat"],
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: "2026-01-01T00:00:00.000Z",
      key: "sb_live_abcdef",
    };
    const { api, calls } = setup(signedIn(), () => json(201, created));
    await expect(api.createApiKey({ name: "CI", scopes: ["read", "chat"] })).resolves.toEqual(created);
    expect(calls[0]).toMatchObject({
      url: "/api/v1/api-keys",
      body: { name: "CI", scopes: ["read", "chat"] },
    });
  });

  it("disables and enables users", async () => {
    const { api, calls } = setup(signedIn(), () => new Response(null, { status: 204 }));
    await api.setUserDisabled(teamId, true);
    await api.setUserDisabled(teamId, false);
    expect(calls.map((c) => c.url)).toEqual([
      `/api/v1/admin/users/${teamId}/disable`,
      `/api/v1/admin/users/${teamId}/enable`,
    ]);
  });
});
