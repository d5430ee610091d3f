import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { auditLog, credentials, mcpOAuthStates, mcpServers } from "@switchboard/db";
import { type McpSecret, openSecret } from "@switchboard/durable-objects/crypto";
import {
  classifyToolError,
  connectMcpServer,
  isAuthorizationRequired,
  type McpServerSpec,
  outboundFetch,
  withStoredOAuth,
} from "@switchboard/durable-objects/mcp";
import type { Credential, McpOAuthStart, McpToolList } from "@switchboard/protocol";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../audit/helpers.ts";
import { api, BASE, registerUser } from "../helpers/api.ts";

interface ErrorBody {
  error: { code: string; message: string };
}

interface Stats {
  registrations: number;
  authorizations: { resource?: string; scope?: string; state?: string }[];
  codeExchanges: number;
  refreshes: number;
}

const CALLBACK = "http://switchboard.test/api/v1/mcp/oauth/callback";
const db = testDb();
const oauthOrigin = () => new URL(env.OAUTH_MCP_URL).origin;

async function stats(): Promise<Stats> {
  return (await fetch(`${oauthOrigin()}/_test/stats`)).json();
}

async function newServer(token: string, name = "OAuth server"): Promise<string> {
  const res = await api<{ id: string }>("/mcp/servers", {
    method: "POST",
    token,
    body: { name, url: env.OAUTH_MCP_URL, transport: "streamable-http" },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Starts an authorization as `token`; returns the URL and the binding cookie the response set. */
async function start(token: string, serverId: string, cookie?: string) {
  const res = await api<McpOAuthStart & ErrorBody>(`/mcp/servers/${serverId}/oauth/start`, {
    method: "POST",
    token,
    headers: cookie ? { Cookie: cookie } : {},
  });
  const setCookie = res.headers.get("Set-Cookie") ?? "";
  return { res, cookie: setCookie.split(";")[0] ?? "", url: new URL(res.body.authorizationUrl ?? BASE) };
}

/** Does what the browser does at the (auto-approving) authorization server: returns the callback URL. */
async function approve(authorizationUrl: URL): Promise<URL> {
  const res = await fetch(authorizationUrl, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("Location") ?? "");
}

/** Brings the browser back to the API's callback; returns where it is sent next. */
async function callback(target: URL | string, cookie?: string): Promise<URL> {
  const url = new URL(target, CALLBACK);
  expect(url.href.startsWith(CALLBACK)).toBe(true);
  // Not `api()`: its fetch would follow the redirect into the dashboard.
  const res = await exports.default.fetch(
    new Request(url, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" }),
  );
  await res.body?.cancel();
  expect(res.status).toBe(302);
  return new URL(res.headers.get("Location") ?? "");
}

async function listTools(token: string, serverId: string) {
  return api<McpToolList & ErrorBody>(`/mcp/servers/${serverId}/tools?refresh=true`, { token });
}

async function auditActions(serverId: string): Promise<string[]> {
  // Audit entries are written in the background; give them a moment.
  for (let attempt = 0; attempt < 50; attempt++) {
    const rows = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "mcp_server"), eq(auditLog.targetId, serverId)));
    const actions = rows.map((row) => row.action);
    if (actions.includes("mcp_server.oauth_completed")) return actions;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

describe("OAuth for remote MCP servers", () => {
  let token: string;
  let serverId: string;
  let cookie: string;
  let authorizationUrl: URL;

  beforeAll(async () => {
    token = (await registerUser("OAuth owner")).accessToken;
    serverId = await newServer(token);
  });

  it("tells the caller to connect with OAuth when the server answers 401", async () => {
    const res = await listTools(token, serverId);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("authorization_required");
    expect(res.body.error.message).toMatch(/connect this server with OAuth first/);
  });

  it("starts an authorization-code request with PKCE S256, the resource and a state", async () => {
    const before = await stats();
    const started = await start(token, serverId);
    expect(started.res.status).toBe(200);
    ({ cookie, url: authorizationUrl } = started);
    const params = authorizationUrl.searchParams;
    expect(authorizationUrl.origin).toBe(oauthOrigin());
    expect(params.get("response_type")).toBe("code");
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("resource")).toBe(env.OAUTH_MCP_URL);
    expect(params.get("state")?.length).toBeGreaterThanOrEqual(43);
    expect(params.get("redirect_uri")).toBe(CALLBACK);
    expect(params.get("client_id")).toBeTruthy();
    // Registered itself (RFC 7591): the test server has no client configured in advance.
    expect((await stats()).registrations).toBe(before.registrations + 1);
    // The cookie the callback checks: HttpOnly, SameSite=Lax, scoped to the MCP routes, short-lived.
    expect(cookie).toMatch(/^sb_mcp_oauth=[A-Za-z0-9_-]{43}$/);
    const setCookie = started.res.headers.get("Set-Cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/api\/v1\/mcp\//);
    expect(setCookie).toMatch(/Max-Age=600/);
    // Only a digest of the state is stored, and the verifier is sealed.
    const state = params.get("state") ?? "";
    const [row] = await db.select().from(mcpOAuthStates).where(eq(mcpOAuthStates.serverId, serverId));
    expect(row?.stateHash).not.toBe(state);
    expect(row?.flowCiphertext).not.toContain(state);
    expect(row?.flowCiphertext.startsWith("gAAAAA")).toBe(true);
  });

  it("finishes in the browser that started it, stores the tokens sealed and lists the tools", async () => {
    const back = await approve(authorizationUrl);
    expect(back.searchParams.get("state")).toBe(authorizationUrl.searchParams.get("state"));
    const next = await callback(back, cookie);
    expect(next.pathname).toBe(`/tools/servers/${serverId}`);
    expect(next.searchParams.get("oauth")).toBe("connected");

    const tools = await listTools(token, serverId);
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((t) => t.name)).toEqual(["whoami"]);

    // The tokens are the server's credential: in the vault, never returned by the API.
    const [server] = await db.select().from(mcpServers).where(eq(mcpServers.id, serverId));
    const [stored] = await db
      .select()
      .from(credentials)
      .where(eq(credentials.id, server?.credentialId ?? ""));
    expect(stored?.provider).toBe("mcp");
    expect(stored?.secretCiphertext).not.toContain("at-");
    const secret = (await openSecret(
      env.CREDENTIALS_KEYS,
      stored?.secretCiphertext ?? "",
    )) as unknown as McpSecret;
    expect(secret.fields["oauth.server"]).toBe(serverId);
    expect(JSON.parse(secret.fields["oauth.tokens"] ?? "{}")).toMatchObject({ token_type: "bearer" });
    const listed = await api<{ credentials: Credential[] }>("/credentials", { token });
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(JSON.parse(secret.fields["oauth.tokens"] ?? "{}").access_token);

    expect(await auditActions(serverId)).toEqual(
      expect.arrayContaining(["mcp_server.oauth_started", "mcp_server.oauth_completed"]),
    );
  });

  it("refuses the same state a second time", async () => {
    // The authorization server would issue another code for it; the state was spent by the first callback.
    const again = await approve(authorizationUrl);
    const next = await callback(again, cookie);
    expect(next.pathname).toBe("/tools");
    expect(next.searchParams.get("reason")).toBe("invalid_state");
  });

  it("refuses an unknown state and a callback without one", async () => {
    const unknown = await callback(`${CALLBACK}?code=abc&state=not-a-state`, cookie);
    expect(Object.fromEntries(unknown.searchParams)).toEqual({ oauth: "failed", reason: "invalid_state" });
    const bare = await callback(CALLBACK);
    expect(Object.fromEntries(bare.searchParams)).toEqual({ oauth: "failed", reason: "invalid_request" });
  });

  it("refuses a state older than ten minutes", async () => {
    const started = await start(token, serverId, cookie);
    const back = await approve(started.url);
    await db
      .update(mcpOAuthStates)
      .set({ createdAt: sql`now() - interval '11 minutes'` })
      .where(eq(mcpOAuthStates.serverId, serverId));
    const next = await callback(back, cookie);
    expect(next.pathname).toBe(`/tools/servers/${serverId}`);
    expect(next.searchParams.get("reason")).toBe("expired");
  });

  it("passes on the authorization server's refusal", async () => {
    const started = await start(token, serverId, cookie);
    const state = started.url.searchParams.get("state") ?? "";
    const next = await callback(`${CALLBACK}?error=access_denied&state=${encodeURIComponent(state)}`, cookie);
    expect(next.searchParams.get("reason")).toBe("denied");
  });

  it("refreshes an expired access token and keeps the new one", async () => {
    await fetch(`${oauthOrigin()}/_test/expire-access-tokens`, { method: "POST" });
    const before = await stats();
    const first = await listTools(token, serverId);
    expect(first.status).toBe(200);
    expect((await stats()).refreshes).toBe(before.refreshes + 1);
    // A new connection uses the re-sealed tokens: no second refresh (the old refresh token is spent).
    const second = await listTools(token, serverId);
    expect(second.status).toBe(200);
    expect((await stats()).refreshes).toBe(before.refreshes + 1);
  });
});

describe("OAuth authorizations belong to one user and one browser", () => {
  let owner: string;
  let other: string;
  let serverId: string;

  beforeAll(async () => {
    owner = (await registerUser("Owner")).accessToken;
    other = (await registerUser("Other")).accessToken;
    serverId = await newServer(owner);
  });

  it("does not let another user start it", async () => {
    const { res } = await start(other, serverId);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("does not let another user's browser finish it, and the owner still can", async () => {
    const mine = await start(owner, serverId);
    const back = await approve(mine.url);
    // The other user has a binding cookie of their own, from a flow on their own server.
    const theirs = await start(other, await newServer(other, "Theirs"));
    expect(theirs.cookie).not.toBe(mine.cookie);
    const refused = await callback(back, theirs.cookie);
    expect(refused.pathname).toBe("/tools");
    expect(refused.searchParams.get("reason")).toBe("invalid_state");
    const noCookie = await callback(back);
    expect(noCookie.searchParams.get("reason")).toBe("invalid_state");
    const accepted = await callback(back, mine.cookie);
    expect(accepted.pathname).toBe(`/tools/servers/${serverId}`);
    expect(accepted.searchParams.get("oauth")).toBe("connected");
    expect((await listTools(owner, serverId)).status).toBe(200);
    expect((await listTools(other, serverId)).status).toBe(404);
  });

  it("refuses to start OAuth for a server that is not remote", async () => {
    const created = await api<{ id: string }>("/mcp/servers", {
      method: "POST",
      token: owner,
      body: { name: "Web", catalogId: "web" },
    });
    const { res } = await start(owner, created.body.id);
    expect(res.status).toBe(422);
  });
});

describe("the platform client against an OAuth-protected server, inside workerd", () => {
  const spec = (): McpServerSpec => ({
    id: crypto.randomUUID(),
    name: "Protected",
    transport: "streamable-http",
    url: env.OAUTH_MCP_URL,
    catalogId: null,
    credentialId: null,
    ownerKey: `user:${crypto.randomUUID()}`,
  });
  const deps = (fields: Record<string, string>) => ({
    userId: crypto.randomUUID(),
    db,
    guardedFetch: outboundFetch(env),
    credentialFields: async () => fields,
  });

  it("reports 'connect with OAuth first' to the model when it holds no authorization", async () => {
    const error = await connectMcpServer(spec(), deps({})).catch((e: unknown) => e);
    expect(isAuthorizationRequired(error)).toBe(true);
    expect(classifyToolError(error)).toMatchObject({ code: "authorization_required", transient: false });
  });

  it("reports the same when its tokens are refused and cannot be refreshed", async () => {
    const server = spec();
    const fields = withStoredOAuth({}, server.id, {
      client: { client_id: "unknown-client", redirect_uris: [CALLBACK] },
      tokens: { access_token: "revoked", token_type: "bearer" },
    });
    const error = await connectMcpServer(server, deps(fields)).catch((e: unknown) => e);
    expect(isAuthorizationRequired(error)).toBe(true);
    expect(classifyToolError(error).message).toMatch(
      /Protected needs authorization: connect this server with OAuth/,
    );
  });
});

// A credential attached to a second server never hands that server the first one's tokens.
describe("tokens bound to one server", () => {
  it("are not sent to any other server", async () => {
    const fields = withStoredOAuth({}, crypto.randomUUID(), {
      tokens: { access_token: "x", refresh_token: "y", token_type: "bearer" },
    });
    const before = await stats();
    const error = await connectMcpServer(
      {
        id: crypto.randomUUID(),
        name: "Elsewhere",
        transport: "streamable-http",
        url: env.OAUTH_MCP_URL,
        catalogId: null,
        credentialId: null,
        ownerKey: "user:x",
      },
      { userId: "u", db, guardedFetch: outboundFetch(env), credentialFields: async () => fields },
    ).catch((e: unknown) => e);
    // No OAuth provider was attached: the server's plain 401, and no refresh was attempted.
    expect(isAuthorizationRequired(error)).toBe(true);
    expect((error as Error).name).not.toBe("McpAuthorizationRequiredError");
    expect((await stats()).refreshes).toBe(before.refreshes);
  });
});
