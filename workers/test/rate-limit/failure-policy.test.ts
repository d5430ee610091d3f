import { describe, expect, it, vi } from "vitest";
import { brokenLimiter, call, randomEmail, randomIp } from "./harness.ts";

// When the limiter itself fails: never a 500. Sign-in fails closed (503), chat fails open (logged).
describe("when the limiter cannot answer", () => {
  const unavailable = Object.assign(new Error("Durable Object is unavailable"), { retryable: true });
  const overloaded = Object.assign(new Error("Durable Object is overloaded"), { overloaded: true });
  const chat = { userId: crypto.randomUUID(), via: "session", scopes: ["chat"] };

  it("refuses sign-up and sign-in with 503 and Retry-After (the brute-force defence must not switch off)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const vars = { RATE_LIMITER: brokenLimiter(unavailable) };
    for (const path of ["/register", "/login"]) {
      const res = await call(path, { email: randomEmail() }, { ip: randomIp(), vars });
      expect(res).toMatchObject({ status: 503, retryAfter: "2" });
      expect(res.body.error?.code).toBe("service_unavailable");
    }
  });

  it("lets chat through and logs, so a limiter outage does not stop conversations", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await call("/chat", chat, { vars: { RATE_LIMITER: brokenLimiter(unavailable) } });
    expect(res.status).toBe(200);
    expect(log).toHaveBeenCalledWith("rate limiter unavailable; allowing the request", expect.anything());
    const run = await call(
      "/run",
      { userId: chat.userId, outcome: "ok" },
      { vars: { RATE_LIMITER: brokenLimiter(unavailable) } },
    );
    expect(run.status).toBe(200);
  });

  it("refuses chat when the key's own object is overloaded, so flooding cannot bypass the limit", async () => {
    const res = await call("/chat", chat, { vars: { RATE_LIMITER: brokenLimiter(overloaded) } });
    expect(res).toMatchObject({ status: 503, retryAfter: "2" });
  });

  it("treats a limiter that does not answer within 2 s as failed", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await call(
      "/login",
      { email: randomEmail() },
      { ip: randomIp(), vars: { RATE_LIMITER: brokenLimiter("hang") } },
    );
    expect(res.status).toBe(503);
  });

  it("a failed login is still answered normally if it cannot be recorded", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await call(
      "/login-failed",
      { email: randomEmail() },
      { vars: { RATE_LIMITER: brokenLimiter(unavailable) } },
    );
    expect(res.status).toBe(200);
  });
});
