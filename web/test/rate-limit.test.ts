import { describe, expect, it } from "vitest";
import { ApiClient } from "../src/api/api-client.ts";
import { ApiError, rateLimitOf } from "../src/api/api-error.ts";
import { SessionStore } from "../src/api/session-store.ts";
import { parseRetryAfter, rateLimitMessage, secondsLeft } from "../src/lib/rate-limit.ts";

const NOW = 1_800_000_000_000;

function limited(retryAfter?: string): Response {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
  return new Response(JSON.stringify({ error: { code: "rate_limited", message: "Slow down" } }), {
    status: 429,
    headers,
  });
}

function client(response: () => Response) {
  return new ApiClient({
    session: new SessionStore(null),
    now: () => NOW,
    lock: (_name, task) => task(),
    fetch: async () => response(),
  });
}

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("40", NOW)).toBe(40);
    expect(parseRetryAfter(" 7 ", NOW)).toBe(7);
  });

  it("never asks for less than a second", () => {
    expect(parseRetryAfter("0", NOW)).toBe(1);
  });

  it("reads an HTTP date relative to now, rounding up", () => {
    const at = new Date(NOW + 29_500).toUTCString(); // HTTP dates have whole seconds: 29 s after NOW
    expect(parseRetryAfter(at, NOW)).toBe(29);
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(1);
  });

  it("is undefined for a missing or unreadable header", () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter("", NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter("-5", NOW)).toBeUndefined();
  });
});

describe("rateLimitMessage", () => {
  it("names the wait in seconds", () => {
    expect(rateLimitMessage(40)).toBe("Too many attempts — try again in 40 s");
    expect(rateLimitMessage(2.2)).toBe("Too many attempts — try again in 3 s");
  });

  it("stays vague without a wait", () => {
    expect(rateLimitMessage(undefined)).toMatch(/^Too many attempts — wait a moment/);
  });

  it("counts down to zero", () => {
    expect(secondsLeft(NOW + 40_000, NOW)).toBe(40);
    expect(secondsLeft(NOW + 39_001, NOW)).toBe(40);
    expect(secondsLeft(NOW - 1, NOW)).toBe(0);
  });
});

describe("ApiClient on 429", () => {
  it("throws an ApiError carrying retryAfterSeconds and a friendly message", async () => {
    const error = await client(() => limited("40"))
      .login({ email: "ada@example.com", password: "pw" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 429,
      code: "rate_limited",
      retryAfterSeconds: 40,
      rateLimited: true,
      message: "Too many attempts — try again in 40 s",
    });
  });

  it("reads an HTTP-date Retry-After", async () => {
    const error = await client(() => limited(new Date(NOW + 90_000).toUTCString()))
      .register({ email: "ada@example.com", password: "long enough", name: "Ada" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 90 });
  });

  it("works without Retry-After, and on non-JSON bodies", async () => {
    const bare = await client(() => limited())
      .login({ email: "a@b.co", password: "x" })
      .catch((e: unknown) => e);
    expect(bare).toMatchObject({ status: 429, retryAfterSeconds: undefined });
    const html = await client(
      () => new Response("<h1>429</h1>", { status: 429, headers: { "Retry-After": "5" } }),
    )
      .login({ email: "a@b.co", password: "x" })
      .catch((e: unknown) => e);
    expect(html).toMatchObject({ code: "rate_limited", retryAfterSeconds: 5 });
  });

  it("turns into a wait deadline for the UI, and nothing for other errors", () => {
    expect(rateLimitOf(new ApiError(429, "rate_limited", "x", 40), NOW)).toEqual({ until: NOW + 40_000 });
    expect(rateLimitOf(new ApiError(429, "rate_limited", "x"), NOW)).toEqual({ until: undefined });
    expect(rateLimitOf(new ApiError(403, "forbidden", "x"), NOW)).toBeNull();
    expect(rateLimitOf(new Error("x"), NOW)).toBeNull();
  });
});
