import type { AuthResult, CreatedApiKey } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { api, numberedText, scriptReply } from "../helpers/api.ts";
import { runFinished, StreamClient } from "../helpers/stream-client.ts";
import { randomEmail, randomIp } from "./harness.ts";

// End to end, through the worker's real fetch handler, routes and the ConversationAgent.

const PASSWORD = "correct horse battery";

/** Registers from a fresh address, so the per-IP sign-up limit of other tests is never in the way. */
async function register(email = randomEmail()): Promise<AuthResult> {
  const res = await api<AuthResult>("/auth/register", {
    method: "POST",
    body: { email, password: PASSWORD, name: "Rate Limited" },
    headers: { "CF-Connecting-IP": randomIp() },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function conversations(token: string, count: number): Promise<string[]> {
  const agent = await api<{ id: string }>("/agents", {
    method: "POST",
    token,
    body: { name: "Limiter", instructions: "Answer.", model: { provider: "demo", name: "demo" } },
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await api<{ id: string }>("/conversations", {
      method: "POST",
      token,
      body: { agentId: agent.body.id },
    });
    ids.push(res.body.id);
  }
  return ids;
}

/** Sends until the limiter answers 429; every earlier answer must be a busy 409 (a token spent). */
async function sendUntilLimited(
  sendOne: () => ReturnType<typeof send>,
): Promise<{ spent: number; refused: Awaited<ReturnType<typeof send>> }> {
  for (let spent = 0; spent < 30; spent += 1) {
    const res = await sendOne();
    if (res.status === 429) return { spent, refused: res };
    expect(res.status).toBe(409);
  }
  throw new Error("never rate limited");
}

/**
 * Burst 10, then one token every 3 s: at least the burst was allowed, and no more than the tokens that
 * could have refilled while the requests were sent (a loaded machine sends them slowly).
 */
function expectBurstThenRefill(allowed: number, startedAt: number): void {
  const refilled = Math.floor((Date.now() - startedAt) / 3000);
  expect(allowed).toBeGreaterThanOrEqual(10);
  expect(allowed).toBeLessThanOrEqual(10 + refilled);
}

const send = (conversationId: string, token: string, content: string) =>
  api<{ error?: { code: string; message: string } }>(`/conversations/${conversationId}/messages`, {
    method: "POST",
    token,
    body: { content },
  });

describe("rate limits through the API", () => {
  it("answers the 6th registration in a minute from one IP with 429 and Retry-After", async () => {
    const ip = randomIp();
    const attempt = () =>
      api<{ error?: { code: string; message: string } }>("/auth/register", {
        method: "POST",
        body: { email: randomEmail(), password: PASSWORD, name: "Someone" },
        headers: { "CF-Connecting-IP": ip },
      });
    for (let i = 0; i < 5; i += 1) expect((await attempt()).status).toBe(201);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("rate_limited");
    expect(refused.body.error?.message).toMatch(/^Too many sign-up attempts\. Try again in /);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("limits sign-in attempts per account whatever the IP, even with the right password", async () => {
    const { user } = await register();
    const login = (password: string) =>
      api("/auth/login", {
        method: "POST",
        body: { email: user.email, password },
        headers: { "CF-Connecting-IP": randomIp() },
      });
    for (let i = 0; i < 10; i += 1) expect((await login("wrong password!")).status).toBe(401);
    const refused = await login(PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
  });

  it("limits messages per user (burst 10, then one every 3 s)", async () => {
    const { accessToken } = await register();
    const [conversationId = ""] = await conversations(accessToken, 1);
    await scriptReply("rl-user-burst", numberedText(400), 50);
    // The first starts a run; the next are refused as busy (409) but still spend a token each.
    const started = Date.now();
    expect((await send(conversationId, accessToken, "rl-user-burst")).status).toBe(202);
    const { spent, refused } = await sendUntilLimited(() => send(conversationId, accessToken, "again"));
    expectBurstThenRefill(spent + 1, started);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(3);
    await api(`/conversations/${conversationId}/cancel`, { method: "POST", token: accessToken });
  });

  it("limits messages per API key, and the key's messages count against its user", async () => {
    const { accessToken } = await register();
    const [conversationId = ""] = await conversations(accessToken, 1);
    const key = await api<CreatedApiKey>("/api-keys", {
      method: "POST",
      token: accessToken,
      body: { name: "bot", scopes: ["read", "chat"] },
    });
    expect(key.status).toBe(201);
    await scriptReply("rl-key-burst", numberedText(400), 50);
    const started = Date.now();
    expect((await send(conversationId, key.body.key, "rl-key-burst")).status).toBe(202);
    const { spent, refused: byKey } = await sendUntilLimited(() =>
      send(conversationId, key.body.key, "again"),
    );
    expectBurstThenRefill(spent + 1, started);
    expect(byKey.body.error?.message).toMatch(/^This API key is sending messages too quickly/);
    // The same user's session shares the user's bucket, which the key has emptied.
    expect((await send(conversationId, accessToken, "again")).status).toBe(429);
    await api(`/conversations/${conversationId}/cancel`, { method: "POST", token: accessToken });
  });

  it("allows 3 concurrent runs per user, and frees a slot when a run ends", async () => {
    const { accessToken } = await register();
    const ids = await conversations(accessToken, 4);
    const [a = "", b = "", c = "", d = ""] = ids;
    await scriptReply("rl-slow", numberedText(400), 20);
    for (const id of [a, b, c]) expect((await send(id, accessToken, "rl-slow")).status).toBe(202);
    const refused = await send(d, accessToken, "rl-slow");
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/^You already have 3 replies being written/);

    // Stopping a run ends it; the ConversationAgent then releases its slot.
    const stream = await StreamClient.open(a, accessToken, 0);
    await api(`/conversations/${a}/cancel`, { method: "POST", token: accessToken });
    await stream.until(runFinished);
    stream.close();
    let status = 0;
    for (let attempt = 0; attempt < 5 && status !== 202; attempt += 1) {
      status = (await send(d, accessToken, "rl-slow")).status;
      if (status !== 202) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(202);
    for (const id of [b, c, d])
      await api(`/conversations/${id}/cancel`, { method: "POST", token: accessToken });
  });
});
