import { env } from "cloudflare:workers";
import { limiterStub, runSlotKey } from "@switchboard/durable-objects";
import { describe, expect, it, vi } from "vitest";
import type { Principal } from "../../src/auth/principal.ts";
import { releaseRunSlot } from "../../src/rate-limit/index.ts";
import { call } from "./harness.ts";

const session = (userId: string): Principal => ({
  userId,
  via: "session",
  scopes: ["read", "chat", "manage"],
});
const apiKey = (userId: string, apiKeyId: string): Principal => ({
  userId,
  via: "api_key",
  apiKeyId,
  scopes: ["chat"],
});

describe("chat limits (token buckets)", () => {
  it("allows the burst per user, then refuses with the seconds until the next token", async () => {
    const vars = { RATE_CHAT_BURST: "2", RATE_CHAT_PER_MINUTE: "6" }; // a token every 10 s
    const user = crypto.randomUUID();
    expect((await call("/chat", session(user), { vars })).status).toBe(200);
    expect((await call("/chat", session(user), { vars })).status).toBe(200);
    const refused = await call("/chat", session(user), { vars });
    expect(refused).toMatchObject({ status: 429, retryAfter: "10" });
    expect(refused.body.error).toEqual({
      code: "rate_limited",
      message: "You are sending messages too quickly. Try again in 10 seconds.",
      details: { retryAfterSeconds: 10 },
    });
    // Another user has their own bucket.
    expect((await call("/chat", session(crypto.randomUUID()), { vars })).status).toBe(200);
  });

  it("uses the defaults (burst 10) when nothing is configured", async () => {
    const user = crypto.randomUUID();
    for (let i = 0; i < 10; i += 1) expect((await call("/chat", session(user))).status).toBe(200);
    expect(await call("/chat", session(user))).toMatchObject({ status: 429, retryAfter: "3" });
  });

  it("limits each API key, and all of a user's keys and sessions together", async () => {
    const vars = { RATE_CHAT_BURST: "3", RATE_API_KEY_CHAT_BURST: "1" };
    const user = crypto.randomUUID();
    const [keyA, keyB] = [crypto.randomUUID(), crypto.randomUUID()];
    expect((await call("/chat", apiKey(user, keyA), { vars })).status).toBe(200);
    const perKey = await call("/chat", apiKey(user, keyA), { vars });
    expect(perKey.status).toBe(429);
    expect(perKey.body.error?.message).toMatch(/^This API key is sending messages too quickly/);
    // Key B has its own allowance, but it shares the user's bucket (3) with key A and the session.
    expect((await call("/chat", apiKey(user, keyB), { vars })).status).toBe(200);
    expect((await call("/chat", session(user), { vars })).status).toBe(200);
    const perUser = await call("/chat", session(user), { vars });
    expect(perUser.status).toBe(429);
    expect(perUser.body.error?.message).toMatch(/^You are sending messages too quickly/);
  });

  it("per API key, the per-user rule applies unless configured", async () => {
    const vars = { RATE_CHAT_BURST: "2" };
    const [user, key] = [crypto.randomUUID(), crypto.randomUUID()];
    expect((await call("/chat", apiKey(user, key), { vars })).status).toBe(200);
    expect((await call("/chat", apiKey(user, key), { vars })).status).toBe(200);
    expect((await call("/chat", apiKey(user, key), { vars })).status).toBe(429);
  });
});

describe("concurrent runs", () => {
  const vars = { RATE_CONCURRENT_RUNS: "2" };

  it("holds a slot per started run, refuses beyond the limit, and frees a slot on release", async () => {
    const userId = crypto.randomUUID();
    const first = await call("/run", { userId, outcome: "ok" }, { vars });
    expect(first.status).toBe(200);
    expect((await call("/run", { userId, outcome: "ok" }, { vars })).status).toBe(200);
    const refused = await call("/run", { userId, outcome: "ok" }, { vars });
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe("5");
    expect(refused.body.error?.message).toBe(
      "You already have 2 replies being written. Wait for one to finish, or stop one, and try again.",
    );
    // What the ConversationAgent does when the run ends.
    await releaseRunSlot(env, userId, first.body.runId ?? "");
    expect((await call("/run", { userId, outcome: "ok" }, { vars })).status).toBe(200);
  });

  it("frees the slot when the run does not start (busy conversation, or an error)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {}); // the thrown error is logged as a 500
    const userId = crypto.randomUUID();
    expect((await call("/run", { userId, outcome: "busy" }, { vars })).status).toBe(200);
    expect((await call("/run", { userId, outcome: "throw" }, { vars })).status).toBe(500);
    const slots = limiterStub(env.RATE_LIMITER, runSlotKey(userId));
    expect(await slots.acquire("probe-1", 2, 60_000)).toMatchObject({ allowed: true, active: 1 });
  });

  it("releasing never throws, even for an unknown run", async () => {
    await expect(releaseRunSlot(env, crypto.randomUUID(), "never-acquired")).resolves.toBeUndefined();
  });
});
