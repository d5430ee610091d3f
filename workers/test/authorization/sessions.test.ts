import type { AuthResult, CreatedApiKey, Team } from "@switchboard/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, PASSWORD, registerAccount, session, signIn } from "./fixture.ts";
import { type Credential, must, send } from "./http.ts";
import { type Forgery, forge, nowSeconds, unsigned, withSubject } from "./tokens.ts";

async function expectUnauthorized(credential: Credential, path = "/me"): Promise<void> {
  const res = await send({ path, credential });
  expect(res.status, res.text).toBe(401);
  expect(res.json).toMatchObject({ error: { code: "unauthorized" } });
}

/**
 * Tokens carry their issue time to the millisecond, so revocation is exact; most tests still revoke in a
 * later second than the token was issued, and the same-second case is its own test below.
 */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

describe("forged and invalid access tokens are refused on GET /me", () => {
  let victim: Account;
  let other: Account;
  beforeAll(async () => {
    [victim, other] = await Promise.all([registerAccount("jwt-victim"), registerAccount("jwt-other")]);
  });

  it("accepts a token forged with every detail right, so the refusals below are about the detail", async () => {
    const res = await send({ path: "/me", credential: { bearer: await forge(victim.id) } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: victim.id });
  });

  const now = nowSeconds();
  const attacks: [string, Forgery][] = [
    ["HS512, even with the right secret", { alg: "HS512" }],
    ["the wrong key", { secret: "an-attacker-chosen-secret-of-plenty-of-bytes-0123" }],
    ["expired half an hour ago", { iat: now - 3600, exp: now - 1800 }],
    ["issued an hour in the future", { iat: now + 3600, exp: now + 4500 }],
    ["not valid before an hour from now (nbf)", { nbf: now + 3600, exp: now + 7200 }],
    ["the wrong audience", { aud: "another-api" }],
    ["the wrong issuer", { iss: "someone-else" }],
    ["typ JWT instead of at+jwt (another kind of token signed with the same key)", { typ: "JWT" }],
    ["no exp", { exp: null }],
  ];
  for (const [name, forgery] of attacks) {
    it(`refuses a token with ${name}`, async () => {
      await expectUnauthorized({ bearer: await forge(victim.id, forgery) });
    });
  }

  it("refuses alg: none", async () => {
    await expectUnauthorized({ bearer: unsigned(victim.id) });
  });

  it("refuses a genuine token whose payload was edited to name another user", async () => {
    await expectUnauthorized({ bearer: withSubject(victim.accessToken, other.id) });
  });

  it("refuses a validly signed token for a user that does not exist", async () => {
    await expectUnauthorized({ bearer: await forge(crypto.randomUUID()) });
  });

  it("refuses alg: none on the WebSocket, where the token travels as a subprotocol", async () => {
    const res = await send({
      path: `/conversations/${crypto.randomUUID()}/stream`,
      headers: {
        Upgrade: "websocket",
        "Sec-WebSocket-Protocol": `switchboard.v1, bearer.${unsigned(victim.id)}`,
      },
    });
    expect(res.status, res.text).toBe(401);
  });
});

/** Admin A with team T, member M in it, T's agent and a conversation with it. */
async function smallTeam() {
  const [admin, member] = await Promise.all([registerAccount("rev-admin"), registerAccount("rev-member")]);
  const team = await must<Team>(201, {
    method: "POST",
    path: "/teams",
    credential: session(admin),
    body: { name: "T" },
  });
  await must(201, {
    method: "POST",
    path: `/teams/${team.id}/members`,
    credential: session(admin),
    body: { email: member.email, role: "member" },
  });
  const agent = await must<{ id: string }>(201, {
    method: "POST",
    path: "/agents",
    credential: session(admin),
    body: { teamId: team.id, name: "Team bot", model: { provider: "demo", name: "demo" } },
  });
  const conversation = await must<{ id: string }>(201, {
    method: "POST",
    path: "/conversations",
    credential: session(admin),
    body: { agentId: agent.id },
  });
  return { admin, member, team, agentId: agent.id, conversationId: conversation.id };
}

async function createKey(account: Account, scopes: string[]): Promise<CreatedApiKey> {
  return must<CreatedApiKey>(201, {
    method: "POST",
    path: "/api-keys",
    credential: session(account),
    body: { name: "revocation test", scopes },
  });
}

describe("revocation takes effect on the next request", () => {
  it("a revoked API key is refused at once, in either header", async () => {
    const owner = await registerAccount("key-owner");
    const key = await createKey(owner, ["read"]);
    await must(200, { path: "/me", credential: { apiKey: key.key } });
    await must(204, { method: "DELETE", path: `/api-keys/${key.id}`, credential: session(owner) });
    await expectUnauthorized({ apiKey: key.key });
    await expectUnauthorized({ bearer: key.key });
  });

  it("a removed member's next request for the team agent is a 404, by session and by their API key", async () => {
    const { admin, member, team, agentId } = await smallTeam();
    const key = await createKey(member, ["read"]);
    await must(200, { path: `/agents/${agentId}`, credential: session(member) });
    await must(200, { path: `/agents/${agentId}`, credential: { apiKey: key.key } });
    await must(204, {
      method: "DELETE",
      path: `/teams/${team.id}/members/${member.id}`,
      credential: session(admin),
    });
    for (const credential of [session(member), { apiKey: key.key }]) {
      const res = await send({ path: `/agents/${agentId}`, credential });
      expect(res.status, res.text).toBe(404);
    }
  });

  it("a member made viewer can no longer send a message in the team conversation (403)", async () => {
    const { admin, member, team, conversationId } = await smallTeam();
    const path = `/conversations/${conversationId}/messages`;
    const body = { content: "Hello" };
    await must(202, { method: "POST", path, body, credential: session(member) });
    await must(202, {
      method: "POST",
      path: `/conversations/${conversationId}/cancel`,
      credential: session(admin),
    });
    await must(200, {
      method: "PATCH",
      path: `/teams/${team.id}/members/${member.id}`,
      credential: session(admin),
      body: { role: "viewer" },
    });
    const res = await send({ method: "POST", path, body, credential: session(member) });
    expect(res.status, res.text).toBe(403);
    expect(res.json).toMatchObject({ error: { code: "forbidden" } });
    // Reading is still allowed: a viewer is still in the team.
    await must(200, { path, credential: session(member) });
  });

  it("logout ends the session: its access token and refresh token stop working", async () => {
    const user = await registerAccount("logout");
    await nextSecond();
    await must(204, { method: "POST", path: "/auth/logout", body: { refreshToken: user.refreshToken } });
    await expectUnauthorized(session(user));
    const refresh = await send({
      method: "POST",
      path: "/auth/refresh",
      body: { refreshToken: user.refreshToken },
    });
    expect(refresh.status).toBe(401);
  });

  // Revocation is compared to the millisecond (tokens carry `iat_ms`), so a token issued earlier in the
  // same second as a logout does not survive it.
  it("logout also ends an access token issued earlier in the same second", async () => {
    const user = await registerAccount("logout-same-second");
    // Start early in a second, so the refresh and the logout (a few ms each) fall into the same one.
    while (Date.now() % 1000 > 300) await new Promise((resolve) => setTimeout(resolve, 50));
    const fresh = await must<AuthResult>(200, {
      method: "POST",
      path: "/auth/refresh",
      body: { refreshToken: user.refreshToken },
    });
    await must(204, { method: "POST", path: "/auth/logout", body: { refreshToken: fresh.refreshToken } });
    await expectUnauthorized({ bearer: fresh.accessToken });
  });

  it("a password change ends every session: old access tokens and refresh tokens are refused", async () => {
    const user = await registerAccount("password-change");
    const second = await signIn({ ...user });
    await nextSecond();
    const newPassword = `${PASSWORD} renewed`;
    await must(204, {
      method: "POST",
      path: "/auth/change-password",
      credential: session(user),
      body: { currentPassword: PASSWORD, newPassword },
    });
    await expectUnauthorized(session(user));
    await expectUnauthorized({ bearer: second.accessToken });
    for (const refreshToken of [user.refreshToken, second.refreshToken]) {
      const res = await send({ method: "POST", path: "/auth/refresh", body: { refreshToken } });
      expect(res.status).toBe(401);
    }
    await signIn({ ...user, password: newPassword });
  });

  it("disabling a user ends their sessions and API keys at once, and they cannot sign in", async () => {
    const { admin, member } = await smallTeam();
    // Account-wide disabling needs the admin to administer every organization of the member, their own too.
    const own = await must<{ id: string }>(201, {
      method: "POST",
      path: "/teams",
      credential: session(member),
      body: { name: "Own" },
    });
    await must(201, {
      method: "POST",
      path: `/teams/${own.id}/members`,
      credential: session(member),
      body: { email: admin.email, role: "admin" },
    });
    const key = await createKey(member, ["manage"]);
    await nextSecond();
    await must(204, {
      method: "POST",
      path: `/admin/users/${member.id}/disable`,
      credential: session(admin),
    });
    await expectUnauthorized(session(member));
    await expectUnauthorized({ apiKey: key.key });
    await expectUnauthorized({ bearer: key.key });
    const login = await send({
      method: "POST",
      path: "/auth/login",
      body: { email: member.email, password: member.password },
    });
    expect(login.status).toBe(401);
    const refresh = await send({
      method: "POST",
      path: "/auth/refresh",
      body: { refreshToken: member.refreshToken },
    });
    expect(refresh.status).toBe(401);
  });

  it("reusing a spent refresh token revokes its whole family", async () => {
    const user = await registerAccount("reuse");
    const rotated = await must<AuthResult>(200, {
      method: "POST",
      path: "/auth/refresh",
      body: { refreshToken: user.refreshToken },
    });
    const reuse = await send({
      method: "POST",
      path: "/auth/refresh",
      body: { refreshToken: user.refreshToken },
    });
    expect(reuse.status).toBe(401);
    // The legitimate holder's newer token is of the same family, so it is revoked too.
    const next = await send({
      method: "POST",
      path: "/auth/refresh",
      body: { refreshToken: rotated.refreshToken },
    });
    expect(next.status).toBe(401);
    // Other sessions of the user (other families) are untouched.
    const other = await signIn({ ...user });
    await must(200, { method: "POST", path: "/auth/refresh", body: { refreshToken: other.refreshToken } });
  });
});
