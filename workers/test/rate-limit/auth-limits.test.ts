import { describe, expect, it } from "vitest";
import { call, randomEmail, randomIp } from "./harness.ts";

// The sign-up and sign-in helpers through a harness app with the real error handler (see harness.ts);
// the same behaviour end to end through the routes is in http.e2e.test.ts.
describe("sign-up limits", () => {
  it("refuses the 6th registration in a minute from one IP with 429, Retry-After and a friendly message", async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i += 1)
      expect((await call("/register", { email: randomEmail() }, { ip })).status).toBe(200);
    const refused = await call("/register", { email: randomEmail() }, { ip });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("rate_limited");
    expect(refused.body.error?.message).toMatch(
      /^Too many sign-up attempts\. Try again in (\d+ seconds|1 minute)\.$/,
    );
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(59);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    // Another address is not affected.
    expect((await call("/register", { email: randomEmail() }, { ip: randomIp() })).status).toBe(200);
  });

  it("limits one email across addresses", async () => {
    const email = randomEmail();
    for (let i = 0; i < 5; i += 1)
      expect((await call("/register", { email }, { ip: randomIp() })).status).toBe(200);
    expect((await call("/register", { email: email.toUpperCase() }, { ip: randomIp() })).status).toBe(429);
  });

  it("puts clients without CF-Connecting-IP (local runs) in one shared bucket", async () => {
    const vars = { RATE_REGISTER_PER_MINUTE: "1" };
    // Other tests may have used "local" already; one call spends whatever is left of a 1-per-minute window.
    await call("/register", { email: randomEmail() }, { vars });
    expect((await call("/register", { email: randomEmail() }, { vars })).status).toBe(429);
  });
});

describe("sign-in limits", () => {
  it("limits attempts per IP (10 a minute)", async () => {
    const ip = randomIp();
    for (let i = 0; i < 10; i += 1)
      expect((await call("/login", { email: randomEmail() }, { ip })).status).toBe(200);
    const refused = await call("/login", { email: randomEmail() }, { ip });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(
      /^Too many sign-in attempts\. Try again in (\d+ seconds|1 minute)\.$/,
    );
  });

  it("limits attempts per account independently of the IP", async () => {
    const email = randomEmail();
    for (let i = 0; i < 10; i += 1)
      expect((await call("/login", { email }, { ip: randomIp() })).status).toBe(200);
    const refused = await call("/login", { email }, { ip: randomIp() });
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toMatch(/^\d+$/);
    // The fresh addresses used above can still sign in to other accounts.
    expect((await call("/login", { email: randomEmail() }, { ip: randomIp() })).status).toBe(200);
  });

  it("counts failures apart from attempts, and refuses once the hourly failure budget is spent", async () => {
    const email = randomEmail();
    const vars = { RATE_LOGIN_FAILURES_PER_HOUR: "3", RATE_LOGIN_PER_MINUTE: "100" };
    // Attempts alone (successful sign-ins) do not spend the failure budget.
    for (let i = 0; i < 5; i += 1)
      expect((await call("/login", { email }, { ip: randomIp(), vars })).status).toBe(200);
    for (let i = 0; i < 3; i += 1) {
      expect((await call("/login", { email }, { ip: randomIp(), vars })).status).toBe(200);
      expect((await call("/login-failed", { email }, { ip: randomIp(), vars })).status).toBe(200);
    }
    const refused = await call("/login", { email }, { ip: randomIp(), vars });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toBe(
      "Too many failed sign-in attempts for this account. Try again in 1 hour.",
    );
    expect(Number(refused.retryAfter)).toBeGreaterThan(3500);
    // Recording more failures never throws: the response to a wrong password stays 401, not 429.
    expect((await call("/login-failed", { email }, { vars })).status).toBe(200);
  });
});
